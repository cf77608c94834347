import Foundation
import GRDB
import Testing
@testable import MediaStore

/// Users and API keys: names unique, a key's secret shown once and stored only as its hash,
/// authentication by it, revocation.
@Suite struct LibraryUsersTests {
    @Test func usersHaveUniqueNamesAndTheFirstIsTheAdministrator() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let alice = try library.addUser(name: "  alice ", email: "alice@example.org")
        #expect(alice.name == "alice" && !alice.isAdmin)
        #expect(throws: MediaStoreError.self) { try library.addUser(name: "alice") }
        #expect(throws: MediaStoreError.self) { try library.addUser(name: "bob", email: "alice@example.org") }
        #expect(throws: MediaStoreError.self) { try library.addUser(name: "   ") }
        let users = try library.users()
        #expect(users.map(\.name) == ["admin", "alice"] && users.first?.isAdmin == true && users.first?.id == library.defaultOwner)
        #expect(try library.user("alice")?.id == alice.id && library.user(alice.id.description)?.name == "alice")
        #expect(try library.user("carol") == nil)
    }

    @Test func aKeyAuthenticatesItsUserUntilRevokedAndOnlyItsHashIsStored() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let alice = try library.addUser(name: "alice")
        let made = try library.createAPIKey(for: alice.id, name: "phone")
        let other = try library.createAPIKey(for: library.defaultOwner, name: "laptop")
        #expect(made.secret.count == 43 && made.secret != other.secret)
        #expect(made.secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })

        #expect(try library.authenticate(apiKey: made.secret)?.id == alice.id)
        #expect(try library.authenticate(apiKey: other.secret)?.id == library.defaultOwner)
        #expect(try library.authenticate(apiKey: made.secret + "x") == nil)
        #expect(try library.authenticate(apiKey: "") == nil)
        #expect(try library.apiKeys(of: alice.id).map(\.name) == ["phone"])
        #expect(try library.apiKeys(of: alice.id).first?.lastUsedAt != nil)
        #expect(throws: MediaStoreError.self) { try library.createAPIKey(for: UserID(), name: "nobody's") }

        // The catalog holds the SHA-256 of the secret, never the secret.
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        let stored = try pool.read { db in try Data.fetchAll(db, sql: "SELECT key_hash FROM api_keys ORDER BY created_at, rowid") }
        #expect(stored == [Data(Library.keyHash(made.secret)), Data(Library.keyHash(other.secret))])
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let file = try Data(contentsOf: URL(fileURLWithPath: library.path + "/" + Library.catalogFileName))
        #expect(file.range(of: Data(made.secret.utf8)) == nil)

        #expect(try library.revokeAPIKey(made.key.id))
        #expect(try !library.revokeAPIKey(made.key.id))
        #expect(try library.authenticate(apiKey: made.secret) == nil)
        #expect(try library.authenticate(apiKey: other.secret)?.id == library.defaultOwner)
    }
}
