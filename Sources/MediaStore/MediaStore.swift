/// MediaStore: the library (``Library``), its content-addressed object store (``BlobStore``),
/// its SQLite catalog and the import pipeline.
///
/// Re-exports MediaCore, whose model (``Asset``, ``MediaMetadata``) it stores.
@_exported public import MediaCore
