import ArgumentParser
import Foundation
import MediaStore

/// `media tag add|rm|ls|delete`: hierarchical tags (`travel/portugal/lisbon`).
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag assets with paths of names such as travel/portugal/lisbon (the parents are tags too).",
        discussion: "`media search --tag travel` finds assets tagged travel or any tag under it.",
        subcommands: [Add.self, Remove.self, List.self, Delete.self]
    )

    /// `media tag add ID... --tag T [--tag T...]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give assets tags (made when missing).")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var arguments: TaggingArguments

        func run() async throws {
            let lib = try library.open()
            let (ids, tag) = try arguments.resolve(in: lib)
            let changed = try CLI.sdk { () throws(MediaStoreError) in try lib.tag(ids, with: tag) }
            print(CLI.changed("tagged", changed.count, of: ids.count))
        }
    }

    /// `media tag rm ID... --tag T [--tag T...]`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Take tags (and the tags under them) off assets.")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var arguments: TaggingArguments

        func run() async throws {
            let lib = try library.open()
            let (ids, tag) = try arguments.resolve(in: lib)
            let changed = try CLI.sdk { () throws(MediaStoreError) in try lib.untag(ids, tags: tag) }
            print(CLI.changed("untagged", changed.count, of: ids.count))
        }
    }

    /// `media tag ls [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls",
            abstract: "List the tags by path, with how many assets carry each (not counting the tags under it)."
        )

        @OptionGroup var library: LibraryOptions

        @Flag(name: .long, help: "JSON Lines: {\"path\",\"name\",\"count\"}.")
        var json = false

        func run() async throws {
            let lib = try library.open()
            var output = BufferedOutput()
            for tag in try CLI.sdk({ () throws(MediaStoreError) in try lib.tags() }) {
                output.write(json ? CLI.json(["path": tag.path, "name": tag.name, "count": tag.assetCount]) : "\(tag.path)  \(tag.assetCount)")
            }
            output.flush()
        }
    }

    /// `media tag delete TAG`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a tag and the tags under it, from every asset.")

        @OptionGroup var library: LibraryOptions

        @Argument(help: "The tag path.")
        var tag: String

        func run() async throws {
            let lib = try library.open()
            try CLI.sdk { () throws(MediaStoreError) in try lib.deleteTag(tag) }
            print("deleted the tag \(Tag.normalized(tag) ?? tag)")
        }
    }
}

/// The tags and assets of `tag add` and `tag rm`.
struct TaggingArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A tag path; repeat for several.", valueName: "TAG"))
    var tag: [String] = []

    @OptionGroup var assets: AssetIDArguments

    /// At least one tag (checked before the library is opened).
    func validate() throws {
        guard !tag.isEmpty else { throw CLI.fail("give the tags with --tag TAG") }
    }

    /// The assets, each found in the library, and the tags.
    func resolve(in lib: Library) throws -> (ids: [AssetID], tags: [String]) {
        (try assets.resolve(in: lib), tag)
    }
}
