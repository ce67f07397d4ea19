package io.postbridge.core.alias;

import java.util.List;
import java.util.Optional;

import io.postbridge.core.srs.SrsSettings;

/**
 * Everything the {@code AliasForward} mailet element of mailetcontainer.xml configures: the configured aliases,
 * the resolution limits and the SRS settings. The mailet, the RCPT hook and the WebAdmin routes share one instance.
 */
public final class ForwardingConfig {
    public static final String DEFAULT_FORWARD_PROCESSOR = "transport";
    public static final String DEFAULT_BOUNCE_PROCESSOR = "bounces";

    /** SRS on: the domain SRS addresses live in, and the scheme's settings (secrets included). */
    public static final class Srs {
        private final String domain;
        private final SrsSettings settings;

        public Srs(String domain, SrsSettings settings) {
            this.domain = domain;
            this.settings = settings;
        }

        public String domain() {
            return domain;
        }

        public SrsSettings settings() {
            return settings;
        }
    }

    private final List<AliasDefinition> aliases;
    private final AliasResolver.Settings resolverSettings;
    private final Optional<Srs> srs;
    private final String forwardProcessor;
    private final String bounceProcessor;

    public ForwardingConfig(List<AliasDefinition> aliases, AliasResolver.Settings resolverSettings, Optional<Srs> srs,
                            String forwardProcessor, String bounceProcessor) {
        this.aliases = List.copyOf(aliases);
        this.resolverSettings = resolverSettings;
        this.srs = srs;
        this.forwardProcessor = forwardProcessor;
        this.bounceProcessor = bounceProcessor;
    }

    /** Aliases written in mailetcontainer.xml, in document order. */
    public List<AliasDefinition> aliases() {
        return aliases;
    }

    public AliasResolver.Settings resolverSettings() {
        return resolverSettings;
    }

    public Optional<Srs> srs() {
        return srs;
    }

    /** Where forwarded copies are sent (re-spooled): James's transport, so they take the normal outbound path. */
    public String forwardProcessor() {
        return forwardProcessor;
    }

    /** Where mail that cannot be forwarded (loop, limits) goes to be bounced with a DSN. */
    public String bounceProcessor() {
        return bounceProcessor;
    }
}
