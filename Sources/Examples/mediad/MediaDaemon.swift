import MediaStore

/// `mediad`: the HTTP server with the web gallery. Placeholder until the server issue lands.
@main
struct MediaDaemon {
    static func main() {
        print("mediad: the server is not built yet; see the open issue for mediad.")
    }
}
