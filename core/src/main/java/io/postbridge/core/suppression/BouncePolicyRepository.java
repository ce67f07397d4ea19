package io.postbridge.core.suppression;

import java.util.Optional;

/** Per-account overrides of the suppression policy, in the store ({@code pb_bounce_policy}). */
public interface BouncePolicyRepository {
    Optional<AccountBouncePolicy> find(String account);

    void save(AccountBouncePolicy policy);

    /** Back to the defaults; false when there was nothing to remove. */
    boolean delete(String account);

    /** No overrides: every account has the defaults (tests, and stores without the table). */
    BouncePolicyRepository NONE = new BouncePolicyRepository() {
        @Override
        public Optional<AccountBouncePolicy> find(String account) {
            return Optional.empty();
        }

        @Override
        public void save(AccountBouncePolicy policy) {
            throw new UnsupportedOperationException("no policy store");
        }

        @Override
        public boolean delete(String account) {
            return false;
        }
    };
}
