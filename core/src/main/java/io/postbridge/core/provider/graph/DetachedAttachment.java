package io.postbridge.core.provider.graph;

import java.util.Objects;
import java.util.Optional;

/** An attachment taken out of a large message, to be uploaded to the Graph draft separately. */
final class DetachedAttachment {
    private final String name;
    private final String contentType;
    private final byte[] content;
    private final boolean inline;
    private final Optional<String> contentId;

    DetachedAttachment(String name, String contentType, byte[] content, boolean inline, Optional<String> contentId) {
        this.name = Objects.requireNonNull(name);
        this.contentType = Objects.requireNonNull(contentType);
        this.content = Objects.requireNonNull(content);
        this.inline = inline;
        this.contentId = Objects.requireNonNull(contentId);
    }

    String name() {
        return name;
    }

    String contentType() {
        return contentType;
    }

    byte[] content() {
        return content;
    }

    boolean inline() {
        return inline;
    }

    Optional<String> contentId() {
        return contentId;
    }
}
