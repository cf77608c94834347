/// MediaStore: content-addressed blob storage, the SQLite catalog and the library facade.
///
/// Placeholder until the library issue lands; it only re-exports the model it builds on.
@_exported public import MediaCore
