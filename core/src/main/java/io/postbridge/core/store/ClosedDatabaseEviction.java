package io.postbridge.core.store;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * H2 closes an embedded database for good when a write fails (a full disk): every session of it then answers
 * {@code 90098 DATABASE_IS_CLOSED} (or {@code 90121} while closing), states HikariCP does not know as fatal, so the
 * pool kept handing out dead connections after space was free again. A connection that saw one is evicted; the next
 * one re-opens the database from its file.
 */
final class ClosedDatabaseEviction implements SQLExceptionOverride {
    static final int DATABASE_IS_CLOSED = 90098;
    static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        int code = e.getErrorCode();
        return code == DATABASE_IS_CLOSED || code == DATABASE_CALLED_AT_SHUTDOWN ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
