import Testing

/// The mediad suites, one at a time: each runs a server whose uploads decode photos, and on a
/// 2-core CI machine running them side by side (with the library's own corpus suites) kept
/// requests waiting past HummingbirdTesting's fixed 20-second read timeout.
@Suite(.serialized) struct MediadSuites {}
