/// MediaML: perceptual hashing, duplicate grouping and vector similarity search.
///
/// Placeholder until the MediaML issue lands.
@_exported public import MediaCore
