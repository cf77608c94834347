import ArgumentParser

/// `media`: the MediaKit command line.
@main
struct MediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "A self-hosted photo and video library, on the command line.",
        subcommands: [MetadataCommand.self]
    )
}
