package dev.latchkey.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/** Plain JDBC reads for asserting what the service wrote. */
public final class Db {

    private final DataSource dataSource;

    public Db(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long count(String sql, Object... params) {
        List<Object[]> rows = rows(sql, params);
        return ((Number) rows.get(0)[0]).longValue();
    }

    public Object single(String sql, Object... params) {
        List<Object[]> rows = rows(sql, params);
        return rows.isEmpty() ? null : rows.get(0)[0];
    }

    public List<Object[]> rows(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                List<Object[]> rows = new ArrayList<>();
                while (r.next()) {
                    Object[] row = new Object[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = r.getObject(i + 1);
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement that changes rows; returns how many it changed. */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
