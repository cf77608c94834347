import Foundation
import NIOCore

/// Immich's upload form as the tests send it: text fields, then the file as `assetData`.
enum UploadFormFixture {
    /// A `multipart/form-data` body with `boundary`.
    static func body(fields: [(String, String)], filename: String, bytes: [UInt8], boundary: String,
                     fileContentType: String? = nil) -> ByteBuffer {
        var head = ""
        for (name, value) in fields {
            head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"\(filename)\"\r\n"
        head += fileContentType.map { "Content-Type: \($0)\r\n" } ?? ""
        var buffer = ByteBuffer(string: head + "\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        return buffer
    }
}
