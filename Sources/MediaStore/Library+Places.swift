public import MediaCore

extension Library {
    /// The offline geocoder, when ``LibraryConfiguration/namesPlaces`` is on and its data loads
    /// (loaded once per process, about 35 ms).
    var geocoder: ReverseGeocoder? {
        guard configuration.namesPlaces else { return nil }
        return try? ReverseGeocoder.shared()
    }

    /// Names the place of the asset's GPS position and, when its capture time has no UTC offset,
    /// takes the offset in force at that local time in the position's time zone (so its instant
    /// is right); ``MediaMetadata/sources`` says `GPS:TimeZone` for such an offset.
    func locate(_ asset: inout Asset) {
        guard let location = asset.metadata.location, let geocoder else {
            asset.place = nil
            return
        }
        asset.place = geocoder.place(latitude: location.latitude, longitude: location.longitude)
        if var capture = asset.metadata.capturedAt, capture.offsetSeconds == nil,
           let offset = geocoder.utcOffset(latitude: location.latitude, longitude: location.longitude, at: capture.local) {
            capture.offsetSeconds = offset
            asset.metadata.capturedAt = capture
            asset.metadata.sources[.utcOffset] = Library.gpsTimeZoneSource
        }
    }

    /// The source recorded for a UTC offset taken from the time zone of the GPS position.
    public static let gpsTimeZoneSource = "GPS:TimeZone"
}
