import CVips
import Testing

/// The shim declares the vips constants it passes instead of including vips.h (so that it
/// need not link libvips); they must match the installed headers.
@Suite struct VipsHeaderTests {
    @Test func shimConstantsMatchVipsHeaders() {
        #expect(VIPS_SIZE_DOWN.rawValue == 2)           // VSHIM_SIZE_DOWN
        #expect(VIPS_ACCESS_SEQUENTIAL.rawValue == 1)   // VSHIM_ACCESS_SEQUENTIAL
        #expect(VIPS_FAIL_ON_ERROR.rawValue == 2)       // VSHIM_FAIL_ON_ERROR
        #expect(VIPS_INTERPRETATION_GREY16.rawValue == 26) // VSHIM_INTERPRETATION_GREY16
        #expect(VIPS_INTERPRETATION_B_W.rawValue == 1)  // VSHIM_INTERPRETATION_B_W
        #expect(VIPS_INTERPRETATION_sRGB.rawValue == 22) // VSHIM_INTERPRETATION_sRGB
        #expect(VIPS_FORMAT_UCHAR.rawValue == 0)        // VSHIM_FORMAT_UCHAR
        #expect(VIPS_KERNEL_LINEAR.rawValue == 1)       // VSHIM_KERNEL_LINEAR
    }
}
