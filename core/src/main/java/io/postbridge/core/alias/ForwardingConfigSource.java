package io.postbridge.core.alias;

import java.util.Optional;

/**
 * The forwarding configuration of this server, read once from mailetcontainer.xml and shared by the
 * AliasForward mailet, the RCPT hook and the WebAdmin routes. Empty when no AliasForward mailet is configured.
 */
public interface ForwardingConfigSource {
    Optional<ForwardingConfig> get() throws ForwardingConfigException;
}
