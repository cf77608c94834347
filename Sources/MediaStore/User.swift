public import Foundation
public import MediaCore

/// A person with assets in a library. Every asset has an owner, and nobody sees another
/// user's assets.
public struct User: Sendable, Hashable, Codable, Identifiable {
    /// The user's id.
    public var id: UserID
    /// A unique, non-empty name (what `media user add` and `media key create --user` take).
    public var name: String
    /// An e-mail address, unique when set.
    public var email: String?
    /// Whether the user administers the library (the first user does).
    public var isAdmin: Bool
    /// When the user was added.
    public var createdAt: Date

    /// Creates a user record.
    public init(id: UserID, name: String, email: String?, isAdmin: Bool, createdAt: Date) {
        self.id = id
        self.name = name
        self.email = email
        self.isAdmin = isAdmin
        self.createdAt = createdAt
    }
}

/// The identity of an API key.
public struct APIKeyID: UUIDIdentifier {
    /// The underlying UUID.
    public let rawValue: UUID

    /// Wraps an existing UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
}

/// An API key as the library keeps it: its secret is shown once, when it is made, and stored
/// only as its SHA-256 hash.
public struct APIKey: Sendable, Hashable, Codable, Identifiable {
    /// The key's id (not secret).
    public var id: APIKeyID
    /// Whose key it is: requests made with it act as this user.
    public var userID: UserID
    /// A label ("phone backup").
    public var name: String
    /// When it was made.
    public var createdAt: Date
    /// When a request last used it (updated at most once a minute), `nil` if never.
    public var lastUsedAt: Date?

    /// Creates a key record.
    public init(id: APIKeyID, userID: UserID, name: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// A key just made: its record, and the secret to give its user (never stored, never shown again).
public struct NewAPIKey: Sendable, Hashable {
    /// The key's record.
    public var key: APIKey
    /// The secret: 43 characters of base64url (32 random bytes).
    public var secret: String
}
