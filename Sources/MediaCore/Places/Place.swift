/// A named place near a GPS position: the answer of ``ReverseGeocoder``.
///
/// The place is a GeoNames populated place (a city, town, village or city district with more
/// than 1,000 inhabitants, or the seat of an administrative division), with its first-level
/// administrative division, its country and its IANA time zone.
///
/// ```swift
/// let geocoder = try ReverseGeocoder.shared()
/// if let place = geocoder.place(latitude: 38.7223, longitude: -9.1393) {
///     print(place.city, place.region ?? "", place.country)   // Lisbon Lisbon Portugal
///     print(place.timeZone)                                  // Europe/Lisbon
/// }
/// ```
public struct Place: Sendable, Hashable, Codable {
    /// The name of the city, town or village, in its usual (GeoNames) spelling, for example
    /// `"Lisbon"`, `"Zürich"`, `"Tokyo"`.
    public var city: String
    /// The first-level administrative division (state, province, region), in GeoNames'
    /// English spelling, for example `"California"` or `"Île-de-France"`; `nil` where the
    /// country has none or the data does not say.
    public var region: String?
    /// The ISO 3166-1 alpha-2 country code, upper case, for example `"PT"`.
    public var countryCode: String
    /// The English name of the country, for example `"Portugal"`.
    public var country: String
    /// The IANA time zone identifier of the place, for example `"Europe/Lisbon"`; Foundation's
    /// `TimeZone(identifier:)` accepts it.
    public var timeZone: String
    /// The latitude of the place itself (not of the query), in degrees north.
    public var latitude: Double
    /// The longitude of the place itself (not of the query), in degrees east.
    public var longitude: Double
    /// The great-circle distance from the queried position to the place, in metres.
    public var distance: Double

    /// Creates a place.
    /// - Parameters:
    ///   - city: The name of the city, town or village.
    ///   - region: The first-level administrative division, if any.
    ///   - countryCode: The ISO 3166-1 alpha-2 country code.
    ///   - country: The English name of the country.
    ///   - timeZone: The IANA time zone identifier.
    ///   - latitude: The latitude of the place, in degrees.
    ///   - longitude: The longitude of the place, in degrees.
    ///   - distance: The distance from the queried position, in metres.
    public init(city: String, region: String?, countryCode: String, country: String, timeZone: String,
                latitude: Double, longitude: Double, distance: Double) {
        self.city = city
        self.region = region
        self.countryCode = countryCode
        self.country = country
        self.timeZone = timeZone
        self.latitude = latitude
        self.longitude = longitude
        self.distance = distance
    }
}
