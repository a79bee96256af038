package com.acme.orders.dao.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import com.acme.orders.dao.ProductDao;
import com.acme.orders.model.Product;

/**
 * JDBC implementation of {@link ProductDao}.
 */
public class JdbcProductDao extends AbstractJdbcDao implements ProductDao {

    private static final String SELECT =
            "SELECT p.id, p.sku, p.name, p.description, p.category, p.unit_price, "
            + "p.stock_qty, p.discontinued FROM products p ";

    private static final String SQL_BY_CATEGORY = SELECT
            + "WHERE (? IS NULL OR p.category = ?) AND (p.discontinued = FALSE OR ? = TRUE) "
            + "ORDER BY p.category, p.name";

    private static final String SQL_CATEGORIES =
            "SELECT DISTINCT category FROM products WHERE discontinued = FALSE ORDER BY category";

    private static final String SQL_RESERVE =
            "UPDATE products SET stock_qty = stock_qty - ? WHERE id = ? AND stock_qty >= ?";

    static final RowMapper<Product> PRODUCT_MAPPER = new RowMapper<Product>() {
        public Product mapRow(ResultSet rs, int rowNum) throws SQLException {
            Product p = new Product();
            p.setId(getLong(rs, "id"));
            p.setSku(rs.getString("sku"));
            p.setName(rs.getString("name"));
            p.setDescription(rs.getString("description"));
            p.setCategory(rs.getString("category"));
            p.setUnitPrice(rs.getBigDecimal("unit_price"));
            p.setStockQuantity(rs.getInt("stock_qty"));
            p.setDiscontinued(rs.getBoolean("discontinued"));
            return p;
        }
    };

    public Product findById(final Long id) {
        return queryForObject(SELECT + "WHERE p.id = ?", new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, id.longValue());
            }
        }, PRODUCT_MAPPER);
    }

    public Product findBySku(final String sku) {
        return queryForObject(SELECT + "WHERE p.sku = ?", new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, sku == null ? null : sku.trim().toUpperCase());
            }
        }, PRODUCT_MAPPER);
    }

    public List<Product> findByCategory(final String category, final boolean includeDiscontinued) {
        return query(SQL_BY_CATEGORY, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, category);
                ps.setString(2, category);
                ps.setBoolean(3, includeDiscontinued);
            }
        }, PRODUCT_MAPPER);
    }

    public List<String> findCategories() {
        return query(SQL_CATEGORIES, null, new RowMapper<String>() {
            public String mapRow(ResultSet rs, int rowNum) throws SQLException {
                return rs.getString(1);
            }
        });
    }

    public boolean reserveStock(final Long productId, final int quantity) {
        if (quantity <= 0) {
            return true;
        }
        int rows = update(SQL_RESERVE, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setInt(1, quantity);
                ps.setLong(2, productId.longValue());
                ps.setInt(3, quantity);
            }
        });
        return rows == 1;
    }
}
