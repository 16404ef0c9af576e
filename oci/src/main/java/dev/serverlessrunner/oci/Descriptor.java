package dev.serverlessrunner.oci;

/**
 * A content descriptor from a manifest: what a blob or child manifest is, its digest and size.
 *
 * @param mediaType media type of the referenced content
 * @param digest {@code sha256:<hex>} of the referenced content
 * @param size size of the referenced content in bytes
 * @param platform {@code os/architecture} of an index entry, or {@code null}
 */
public record Descriptor(String mediaType, String digest, long size, String platform) {}
