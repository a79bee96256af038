package com.acme.orders.dao.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.acme.orders.util.DataAccessException;

/**
 * Base class for the hand-written JDBC DAOs. Takes care of acquiring and
 * closing connections, statements and result sets (pre Spring JdbcTemplate
 * code; migration tracked in ORD-301).
 */
public abstract class AbstractJdbcDao {

    /**
     * Maps the current row of a result set to an object.
     *
     * @param <T> mapped type
     */
    protected interface RowMapper<T> {
        T mapRow(ResultSet rs, int rowNum) throws SQLException;
    }

    /** Binds parameters to a prepared statement. */
    protected interface StatementBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private DataSource dataSource;

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    protected DataSource getDataSource() {
        return dataSource;
    }

    protected Connection getConnection() {
        if (dataSource == null) {
            throw new DataAccessException("No DataSource configured for " + getClass().getName());
        }
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DataAccessException("Cannot obtain connection", "-", e);
        }
    }

    /**
     * Runs a query and maps every row.
     */
    protected <T> List<T> query(String sql, StatementBinder binder, RowMapper<T> mapper) {
        Connection con = null;
        PreparedStatement ps = null;
        ResultSet rs = null;
        try {
            con = getConnection();
            ps = con.prepareStatement(sql);
            if (binder != null) {
                binder.bind(ps);
            }
            rs = ps.executeQuery();
            List<T> result = new ArrayList<T>();
            int row = 0;
            while (rs.next()) {
                result.add(mapper.mapRow(rs, row++));
            }
            return result;
        } catch (SQLException e) {
            throw new DataAccessException("Query failed", sql, e);
        } finally {
            close(rs, ps, con);
        }
    }

    /** Like {@link #query} but expects zero or one row. */
    protected <T> T queryForObject(String sql, StatementBinder binder, RowMapper<T> mapper) {
        List<T> list = query(sql, binder, mapper);
        if (list.isEmpty()) {
            return null;
        }
        if (list.size() > 1) {
            throw new DataAccessException("Expected at most one row but got " + list.size() + ": " + sql);
        }
        return list.get(0);
    }

    protected int queryForInt(String sql, StatementBinder binder) {
        Integer i = queryForObject(sql, binder, new RowMapper<Integer>() {
            public Integer mapRow(ResultSet rs, int rowNum) throws SQLException {
                return Integer.valueOf(rs.getInt(1));
            }
        });
        return i == null ? 0 : i.intValue();
    }

    /** Executes an INSERT/UPDATE/DELETE and returns the update count. */
    protected int update(String sql, StatementBinder binder) {
        Connection con = null;
        PreparedStatement ps = null;
        try {
            con = getConnection();
            ps = con.prepareStatement(sql);
            if (binder != null) {
                binder.bind(ps);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException("Update failed", sql, e);
        } finally {
            close(null, ps, con);
        }
    }

    /** Executes an INSERT and returns the generated key (first column). */
    protected long insertAndGetKey(String sql, StatementBinder binder) {
        Connection con = null;
        PreparedStatement ps = null;
        ResultSet keys = null;
        try {
            con = getConnection();
            ps = con.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
            binder.bind(ps);
            ps.executeUpdate();
            keys = ps.getGeneratedKeys();
            if (!keys.next()) {
                throw new DataAccessException("No generated key returned: " + sql);
            }
            return keys.getLong(1);
        } catch (SQLException e) {
            throw new DataAccessException("Insert failed", sql, e);
        } finally {
            close(keys, ps, con);
        }
    }

    /** Reads a nullable BIGINT column. */
    protected static Long getLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Long.valueOf(v);
    }

    protected static void close(ResultSet rs, Statement st, Connection con) {
        if (rs != null) {
            try {
                rs.close();
            } catch (SQLException ignore) {
                // nothing we can do { really }
            }
        }
        if (st != null) {
            try {
                st.close();
            } catch (SQLException ignore) {
                // ignore
            }
        }
        if (con != null) {
            try {
                con.close();
            } catch (SQLException ignore) {
                // ignore
            }
        }
    }
}
