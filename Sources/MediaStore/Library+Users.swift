public import MediaCore
import Crypto
import Foundation

extension Library {
    /// Every user, in the order they were added.
    public func users() throws(MediaStoreError) -> [User] {
        try catalog.users()
    }

    /// The user with this id or name, if any.
    public func user(_ idOrName: String) throws(MediaStoreError) -> User? {
        try catalog.users().first { $0.id.description == idOrName.lowercased() || $0.name == idOrName }
    }

    /// Adds a user.
    /// - Parameters:
    ///   - name: Unique and not empty (surrounding spaces are removed).
    ///   - email: Unique when given.
    ///   - isAdmin: Whether the user administers the library.
    /// - Throws: `MediaStoreError.invalidArgument` when the name is empty or taken, or the
    ///   e-mail address is taken.
    @discardableResult
    public func addUser(name: String, email: String? = nil, isAdmin: Bool = false) throws(MediaStoreError) -> User {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = email?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        guard !name.isEmpty else { throw MediaStoreError(.invalidArgument, "a user needs a name") }
        let existing = try catalog.users()
        if existing.contains(where: { $0.name == name }) {
            throw MediaStoreError(.invalidArgument, "there is already a user named \(name)")
        }
        if let email, existing.contains(where: { $0.email == email }) {
            throw MediaStoreError(.invalidArgument, "there is already a user with the e-mail address \(email)")
        }
        let user = User(id: UserID(), name: name, email: email, isAdmin: isAdmin, createdAt: Date())
        try catalog.insert(user)
        return user
    }

    /// Makes an API key for a user. Requests that carry its secret (`x-api-key`, or
    /// `Authorization: Bearer`) act as that user.
    /// - Returns: The key and its secret, which the library does not keep: show it once.
    /// - Throws: `MediaStoreError.notFound` when there is no such user.
    public func createAPIKey(for user: UserID, name: String) throws(MediaStoreError) -> NewAPIKey {
        guard try catalog.users().contains(where: { $0.id == user }) else {
            throw MediaStoreError(.notFound, "there is no user \(user)")
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = APIKey(id: APIKeyID(), userID: user, name: trimmed.isEmpty ? "API key" : trimmed, createdAt: Date(), lastUsedAt: nil)
        try catalog.insert(key, hash: Self.keyHash(secret))
        return NewAPIKey(key: key, secret: secret)
    }

    /// The user's API keys (their records; secrets are not kept).
    public func apiKeys(of user: UserID) throws(MediaStoreError) -> [APIKey] {
        try catalog.apiKeys(of: user)
    }

    /// Deletes an API key; requests carrying it are refused from then on.
    /// - Returns: `false` when there was no such key.
    @discardableResult
    public func revokeAPIKey(_ id: APIKeyID) throws(MediaStoreError) -> Bool {
        try catalog.deleteAPIKey(id)
    }

    /// The user whose API key this secret is, or `nil` for an unknown key. Records the use (at
    /// most once a minute per key, so a busy client does not write on every request).
    /// - Complexity: One indexed lookup of the secret's SHA-256.
    public func authenticate(apiKey secret: String) throws(MediaStoreError) -> User? {
        let secret = secret.trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty, secret.utf8.count <= 256 else { return nil }
        return try catalog.user(forKeyHash: Self.keyHash(secret), now: Date())
    }

    /// SHA-256 of a key's secret: what the catalog stores. Secrets are 256 random bits, so a
    /// plain hash is enough (no password stretching is needed against guessing).
    static func keyHash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
    }
}

extension String {
    /// `nil` for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
