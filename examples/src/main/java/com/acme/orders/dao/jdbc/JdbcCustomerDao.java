package com.acme.orders.dao.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

import com.acme.orders.dao.CustomerDao;
import com.acme.orders.model.Address;
import com.acme.orders.model.Customer;
import com.acme.orders.util.DateUtils;
import com.acme.orders.util.TextUtils;

/**
 * JDBC implementation of {@link CustomerDao}.
 */
public class JdbcCustomerDao extends AbstractJdbcDao implements CustomerDao {

    static final String SELECT_COLUMNS =
            "SELECT c.id, c.customer_no, c.name, c.email, c.phone, c.category, c.active, c.created_at, "
            + "c.bill_street, c.bill_zip, c.bill_city, c.bill_country, "
            + "c.ship_street, c.ship_zip, c.ship_city, c.ship_country "
            + "FROM customers c ";

    private static final String SQL_FIND_BY_ID = SELECT_COLUMNS + "WHERE c.id = ?";

    private static final String SQL_FIND_BY_NO = SELECT_COLUMNS + "WHERE c.customer_no = ?";

    private static final String SQL_SEARCH = SELECT_COLUMNS
            + "WHERE (UPPER(c.name) LIKE UPPER(?) OR c.customer_no LIKE ?) "
            + "AND (? IS NULL OR UPPER(c.bill_city) LIKE UPPER(?)) "
            + "AND (c.active = TRUE OR ? = FALSE) "
            + "ORDER BY c.name LIMIT ?";

    private static final String SQL_INSERT =
            "INSERT INTO customers (customer_no, name, email, phone, category, active, created_at, "
            + "bill_street, bill_zip, bill_city, bill_country, ship_street, ship_zip, ship_city, ship_country) "
            + "VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String SQL_UPDATE =
            "UPDATE customers SET name = ?, email = ?, phone = ?, category = ?, active = ?, "
            + "bill_street = ?, bill_zip = ?, bill_city = ?, bill_country = ?, "
            + "ship_street = ?, ship_zip = ?, ship_city = ?, ship_country = ? WHERE id = ?";

    private static final String SQL_COUNT_ORDERS =
            "SELECT COUNT(*) FROM orders o WHERE o.customer_id = ? AND o.status <> 'X'";

    /** Shared mapper, also used by {@link JdbcOrderDao} for the joined customer. */
    static final RowMapper<Customer> CUSTOMER_MAPPER = new RowMapper<Customer>() {
        public Customer mapRow(ResultSet rs, int rowNum) throws SQLException {
            Customer c = new Customer();
            c.setId(getLong(rs, "id"));
            c.setCustomerNo(rs.getString("customer_no"));
            c.setName(rs.getString("name"));
            c.setEmail(rs.getString("email"));
            c.setPhone(rs.getString("phone"));
            c.setCategory(rs.getString("category"));
            c.setActive(rs.getBoolean("active"));
            c.setCreatedAt(rs.getTimestamp("created_at"));
            c.setBillingAddress(new Address(rs.getString("bill_street"), rs.getString("bill_zip"),
                    rs.getString("bill_city"), rs.getString("bill_country")));
            String shipStreet = rs.getString("ship_street");
            if (shipStreet != null) {
                c.setShippingAddress(new Address(shipStreet, rs.getString("ship_zip"),
                        rs.getString("ship_city"), rs.getString("ship_country")));
            }
            return c;
        }
    };

    public Customer findById(final Long id) {
        return queryForObject(SQL_FIND_BY_ID, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, id.longValue());
            }
        }, CUSTOMER_MAPPER);
    }

    public Customer findByCustomerNo(final String customerNo) {
        return queryForObject(SQL_FIND_BY_NO, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, customerNo);
            }
        }, CUSTOMER_MAPPER);
    }

    public List<Customer> search(String namePattern, String city, final boolean activeOnly,
            final int maxResults) {
        final String name = TextUtils.toLikePattern(namePattern);
        final String cityPattern = TextUtils.isBlank(city) ? null : TextUtils.toLikePattern(city);
        return query(SQL_SEARCH, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, name);
                ps.setString(2, name);
                if (cityPattern == null) {
                    ps.setNull(3, Types.VARCHAR);
                    ps.setNull(4, Types.VARCHAR);
                } else {
                    ps.setString(3, cityPattern);
                    ps.setString(4, cityPattern);
                }
                ps.setBoolean(5, activeOnly);
                ps.setInt(6, maxResults);
            }
        }, CUSTOMER_MAPPER);
    }

    public void insert(final Customer customer) {
        long id = insertAndGetKey(SQL_INSERT, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, customer.getCustomerNo());
                ps.setString(2, customer.getName());
                ps.setString(3, customer.getEmail());
                ps.setString(4, customer.getPhone());
                ps.setString(5, customer.getCategory());
                ps.setBoolean(6, customer.isActive());
                bindAddresses(ps, 7, customer);
            }
        });
        customer.setId(Long.valueOf(id));
        customer.setCreatedAt(new java.util.Date());
    }

    public void update(final Customer customer) {
        int n = update(SQL_UPDATE, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, customer.getName());
                ps.setString(2, customer.getEmail());
                ps.setString(3, customer.getPhone());
                ps.setString(4, customer.getCategory());
                ps.setBoolean(5, customer.isActive());
                bindAddresses(ps, 6, customer);
                ps.setLong(14, customer.getId().longValue());
            }
        });
        if (n != 1) {
            throw new com.acme.orders.util.DataAccessException(
                    "Customer " + customer.getId() + " not updated (" + n + " rows) at "
                    + DateUtils.format(new java.util.Date(), DateUtils.TIMESTAMP_PATTERN));
        }
    }

    public int countOrders(final Long customerId) {
        return queryForInt(SQL_COUNT_ORDERS, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, customerId.longValue());
            }
        });
    }

    private static void bindAddresses(PreparedStatement ps, int start, Customer c) throws SQLException {
        Address bill = c.getBillingAddress();
        ps.setString(start, bill.getStreet());
        ps.setString(start + 1, bill.getZipCode());
        ps.setString(start + 2, bill.getCity());
        ps.setString(start + 3, bill.getCountryCode());
        Address ship = c.getShippingAddress();
        if (ship == null || ship == bill) {
            for (int i = 4; i < 8; i++) {
                ps.setNull(start + i, Types.VARCHAR);
            }
        } else {
            ps.setString(start + 4, ship.getStreet());
            ps.setString(start + 5, ship.getZipCode());
            ps.setString(start + 6, ship.getCity());
            ps.setString(start + 7, ship.getCountryCode());
        }
    }
}
