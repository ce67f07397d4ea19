package io.postbridge.core.dkim.rotation;

import java.io.IOException;
import java.util.List;

/** TXT lookups through the server's configured resolver (James's DNSService in production). */
public interface DkimDnsLookup {
    /**
     * The TXT records at {@code name}, each as the resolver prints it (character-strings may be quoted and
     * separated by spaces, e.g. {@code "v=DKIM1; k=rsa; " "p=MIIB..."}); empty when there is none.
     */
    List<String> txtRecords(String name) throws IOException;
}
