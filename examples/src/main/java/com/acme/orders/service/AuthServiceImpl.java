package com.acme.orders.service;

import java.io.UnsupportedEncodingException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.log4j.Logger;

import com.acme.orders.model.User;
import com.acme.orders.util.DataAccessException;
import com.acme.orders.util.TextUtils;

/**
 * Default {@link AuthService}: salted SHA-1 password hashes (yes, we know;
 * see ORD-402 for the bcrypt migration).
 */
public class AuthServiceImpl implements AuthService {

    private static final Logger LOG = Logger.getLogger(AuthServiceImpl.class);

    private static final String SQL_USER =
            "SELECT u.id, u.login, u.display_name, u.locale, u.pw_salt, u.pw_hash, u.failed_logins "
            + "FROM app_users u WHERE u.login = ? AND u.locked = FALSE";

    private static final String SQL_ROLES = "SELECT role FROM app_user_roles WHERE user_id = ?";

    private static final String SQL_FAILED =
            "UPDATE app_users SET failed_logins = failed_logins + 1, "
            + "locked = (failed_logins + 1 >= ?) WHERE login = ?";

    private static final String SQL_SUCCESS =
            "UPDATE app_users SET failed_logins = 0, last_login = CURRENT_TIMESTAMP WHERE id = ?";

    private DataSource dataSource;
    private int maxFailedLogins = 5;

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setMaxFailedLogins(int maxFailedLogins) {
        this.maxFailedLogins = maxFailedLogins;
    }

    public User authenticate(String login, String password) {
        if (TextUtils.isBlank(login) || password == null) {
            return null;
        }
        Connection con = null;
        PreparedStatement ps = null;
        ResultSet rs = null;
        try {
            con = dataSource.getConnection();
            ps = con.prepareStatement(SQL_USER);
            ps.setString(1, login.trim().toLowerCase());
            rs = ps.executeQuery();
            if (!rs.next()) {
                LOG.info("Login failed, unknown or locked user: " + login);
                return null;
            }
            String expected = rs.getString("pw_hash");
            String actual = hash(rs.getString("pw_salt"), password);
            if (!expected.equalsIgnoreCase(actual)) {
                rs.close();
                ps.close();
                ps = con.prepareStatement(SQL_FAILED);
                ps.setInt(1, maxFailedLogins);
                ps.setString(2, login.trim().toLowerCase());
                ps.executeUpdate();
                LOG.warn("Wrong password for user " + login);
                return null;
            }
            User user = new User();
            user.setId(Long.valueOf(rs.getLong("id")));
            user.setLogin(rs.getString("login"));
            user.setDisplayName(rs.getString("display_name"));
            user.setLocale(rs.getString("locale"));
            rs.close();
            ps.close();

            ps = con.prepareStatement(SQL_ROLES);
            ps.setLong(1, user.getId().longValue());
            rs = ps.executeQuery();
            Set<String> roles = new HashSet<String>();
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
            user.setRoles(roles);
            rs.close();
            ps.close();

            ps = con.prepareStatement(SQL_SUCCESS);
            ps.setLong(1, user.getId().longValue());
            ps.executeUpdate();
            return user;
        } catch (SQLException e) {
            throw new DataAccessException("Authentication query failed", SQL_USER, e);
        } finally {
            closeQuietly(rs, ps, con);
        }
    }

    public void recordLogout(User user) {
        if (user != null) {
            LOG.info("User " + user.getLogin() + " logged out");
        }
    }

    /** hex(sha1(salt + ":" + password)) */
    static String hash(String salt, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            byte[] digest = md.digest((salt + ":" + password).getBytes("UTF-8"));
            StringBuffer sb = new StringBuffer();
            for (int i = 0; i < digest.length; i++) {
                String h = Integer.toHexString(digest[i] & 0xff);
                if (h.length() == 1) {
                    sb.append('0');
                }
                sb.append(h);
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 not available");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 not available");
        }
    }

    private static void closeQuietly(ResultSet rs, PreparedStatement ps, Connection con) {
        try {
            if (rs != null) {
                rs.close();
            }
        } catch (SQLException ignore) {
            // ignore
        }
        try {
            if (ps != null) {
                ps.close();
            }
        } catch (SQLException ignore) {
            // ignore
        }
        try {
            if (con != null) {
                con.close();
            }
        } catch (SQLException ignore) {
            // ignore
        }
    }
}
