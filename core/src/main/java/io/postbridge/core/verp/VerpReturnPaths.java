package io.postbridge.core.verp;

import java.util.Optional;

/** The VERP codec when {@code verp.enabled}, for the mailets and hooks that sign or check return paths. */
public final class VerpReturnPaths {
    private final Optional<VerpCodec> codec;

    public VerpReturnPaths(Optional<VerpCodec> codec) {
        this.codec = codec;
    }

    public Optional<VerpCodec> codec() {
        return codec;
    }
}
