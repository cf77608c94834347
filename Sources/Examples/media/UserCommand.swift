import ArgumentParser
import Foundation
import MediaStore

/// `media user add|ls`: the people of a library (every asset has an owner).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add or list the library's users.",
        subcommands: [Add.self, List.self]
    )

    /// `media user add NAME [--email ADDRESS] [--admin]`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; prints its id.")

        @OptionGroup var library: LibraryOptions

        @Argument(help: "A unique name.")
        var name: String

        @Option(help: "An e-mail address (unique).")
        var email: String?

        @Flag(help: "The user administers the library.")
        var admin = false

        func run() throws {
            let user = try library.open().addUser(name: name, email: email, isAdmin: admin)
            print(user.id)
        }
    }

    /// `media user ls [--json]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the users.")

        @OptionGroup var library: LibraryOptions

        @Flag(help: "Print JSON Lines: {\"id\",\"name\",\"email\",\"isAdmin\"}.")
        var json = false

        func run() throws {
            for user in try library.open().users() {
                if json {
                    try Terminal.printJSON(["id": user.id.description, "name": user.name, "email": user.email ?? NSNull(),
                                            "isAdmin": user.isAdmin])
                } else {
                    print("\(user.id)  \(user.name)\(user.isAdmin ? "  (admin)" : "")\(user.email.map { "  <\($0)>" } ?? "")")
                }
            }
        }
    }
}

/// `media key create|ls|revoke`: API keys for `mediad` and Immich clients.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make, list or revoke API keys (for mediad and Immich's clients).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `media key create [--user NAME|ID] [--name LABEL]`: prints the secret once.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an API key and print its secret (shown once: the library keeps only its hash)."
        )

        @OptionGroup var library: LibraryOptions

        @Option(help: "Whose key (a name or id; default: the first administrator).")
        var user: String?

        @Option(help: "A label for the key.")
        var name = "API key"

        func run() throws {
            let lib = try library.open()
            let owner = try KeyCommand.user(user, in: lib)
            let made = try lib.createAPIKey(for: owner, name: name)
            Terminal.note("API key \(made.key.id) for \(user ?? "the administrator"); its secret (shown only now):")
            print(made.secret)
        }
    }

    /// `media key ls [--user NAME|ID]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List a user's API keys (not their secrets).")

        @OptionGroup var library: LibraryOptions

        @Option(help: "Whose keys (a name or id; default: the first administrator).")
        var user: String?

        func run() throws {
            let lib = try library.open()
            let formatter = ISO8601DateFormatter()
            for key in try lib.apiKeys(of: try KeyCommand.user(user, in: lib)) {
                print("\(key.id)  \(key.name)  made \(formatter.string(from: key.createdAt))"
                      + (key.lastUsedAt.map { "  last used \(formatter.string(from: $0))" } ?? "  never used"))
            }
        }
    }

    /// `media key revoke ID`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by its id.")

        @OptionGroup var library: LibraryOptions

        @Argument(help: "The key's id (from `media key ls`).")
        var id: String

        func run() throws {
            guard let uuid = UUID(uuidString: id), try library.open().revokeAPIKey(APIKeyID(uuid)) else {
                Terminal.error("no API key \(id)")
                throw ExitCode(1)
            }
        }
    }

    /// The user named or numbered `given`, or the library's first administrator.
    static func user(_ given: String?, in lib: Library) throws -> UserID {
        guard let given else { return lib.defaultOwner }
        guard let user = try lib.user(given) else {
            Terminal.error("no user '\(given)' (media user ls lists them)")
            throw ExitCode(1)
        }
        return user.id
    }
}
