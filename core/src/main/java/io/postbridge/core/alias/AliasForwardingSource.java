package io.postbridge.core.alias;

import java.util.Optional;

/**
 * This server's alias forwarding, set up once from mailetcontainer.xml and shared by the AliasForward mailet, the
 * RCPT hook and the WebAdmin routes. Empty when no AliasForward mailet is configured.
 */
public interface AliasForwardingSource {
    Optional<AliasForwarding> get() throws ForwardingConfigException;
}
