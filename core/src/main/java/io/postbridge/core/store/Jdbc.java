package io.postbridge.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The few JDBC operations the repositories need, with the statement and connection handling in one place.
 * Parameters are {@code String}, {@code Long}, {@code Integer}, {@code Boolean} or a typed {@link Null}.
 */
public final class Jdbc {
    public static final Null NULL_STRING = new Null(Types.VARCHAR);
    public static final Null NULL_LONG = new Null(Types.BIGINT);
    public static final Null NULL_INTEGER = new Null(Types.INTEGER);
    public static final Null NULL_BOOLEAN = new Null(Types.BOOLEAN);

    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Connection transaction;

    public Jdbc(DataSource dataSource) {
        this(dataSource, null);
    }

    private Jdbc(DataSource dataSource, Connection transaction) {
        this.dataSource = dataSource;
        this.transaction = transaction;
    }

    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public interface TransactionWork<T> {
        T run(Jdbc jdbc);
    }

    /** A SQL NULL of a given type: PostgreSQL needs the type of a NULL parameter. */
    public static final class Null {
        private final int sqlType;

        private Null(int sqlType) {
            this.sqlType = sqlType;
        }
    }

    public static Object nullable(Optional<String> value) {
        return value.<Object>map(v -> v).orElse(NULL_STRING);
    }

    public static Object nullableInt(Optional<Integer> value) {
        return value.<Object>map(v -> v).orElse(NULL_INTEGER);
    }

    public static Object nullableLong(Optional<Long> value) {
        return value.<Object>map(v -> v).orElse(NULL_LONG);
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) {
        return withConnection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                try (ResultSet rows = statement.executeQuery()) {
                    List<T> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapper.map(rows));
                    }
                    return result;
                }
            }
        }, sql);
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... parameters) {
        List<T> rows = query(sql, mapper, parameters);
        if (rows.size() > 1) {
            throw new StoreException("expected at most one row, got " + rows.size() + " for: " + sql);
        }
        return rows.stream().findFirst();
    }

    public int update(String sql, Object... parameters) {
        return withConnection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                return statement.executeUpdate();
            }
        }, sql);
    }

    /**
     * Runs one statement for every row of {@code rows} as a JDBC batch: the rows travel together (on PostgreSQL with
     * {@code reWriteBatchedInserts}, an INSERT batch becomes multi-row INSERTs sent in one round trip). Returns the
     * update count of each row (or {@link Statement#SUCCESS_NO_INFO}).
     */
    public int[] batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return new int[0];
        }
        return withConnection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    bind(statement, row);
                    statement.addBatch();
                }
                return statement.executeBatch();
            }
        }, sql);
    }

    /** Runs an INSERT and returns the generated identity (the first column of the table). */
    public long insertReturningId(String sql, Object... parameters) {
        return withConnection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                bind(statement, parameters);
                statement.executeUpdate();
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new StoreException("no generated key for: " + sql);
                    }
                    return keys.getLong(1);
                }
            }
        }, sql);
    }

    /** Like {@link #update} but returns false instead of failing when a unique constraint is violated. */
    public boolean insertIfAbsent(String sql, Object... parameters) {
        try {
            update(sql, parameters);
            return true;
        } catch (UniqueViolation e) {
            return false;
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(TransactionWork<T> work) {
        if (transaction != null) {
            return work.run(this);
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(new Jdbc(dataSource, connection));
                connection.commit();
                return result;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("transaction failed: " + e.getMessage(), e);
        }
    }

    private interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T withConnection(ConnectionWork<T> work, String sql) {
        try {
            if (transaction != null) {
                return work.run(transaction);
            }
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new UniqueViolation(e);
            }
            throw new StoreException("database error (" + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object parameter = parameters[i];
            int index = i + 1;
            if (parameter instanceof Null) {
                statement.setNull(index, ((Null) parameter).sqlType);
            } else if (parameter instanceof String) {
                statement.setString(index, (String) parameter);
            } else if (parameter instanceof Long) {
                statement.setLong(index, (Long) parameter);
            } else if (parameter instanceof Integer) {
                statement.setInt(index, (Integer) parameter);
            } else if (parameter instanceof Boolean) {
                statement.setBoolean(index, (Boolean) parameter);
            } else {
                throw new IllegalArgumentException("unsupported parameter type " + (parameter == null ? "null" : parameter.getClass()));
            }
        }
    }

    /** Reads a nullable BIGINT column. */
    public static Optional<Long> optionalLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** Reads a nullable INTEGER column. */
    public static Optional<Integer> optionalInt(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** A unique or primary key constraint was violated (SQLSTATE 23505 on both H2 and PostgreSQL). */
    public static final class UniqueViolation extends StoreException {
        UniqueViolation(SQLException cause) {
            super("duplicate: " + cause.getMessage(), cause);
        }
    }
}
