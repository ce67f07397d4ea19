package io.postbridge.core.accounts;

import java.util.List;

/** The addresses and domains each account may send as. */
public interface AllowedSenderRepository {
    /** @return false when the account already had this entry */
    boolean add(long accountId, SenderPattern pattern);

    boolean remove(long accountId, SenderPattern pattern);

    List<SenderPattern> list(long accountId);
}
