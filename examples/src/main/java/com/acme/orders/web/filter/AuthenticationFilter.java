package com.acme.orders.web.filter;

import java.io.IOException;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.apache.log4j.Logger;

import com.acme.orders.model.User;

/**
 * Redirects unauthenticated requests to the login page. Public paths are
 * configured with the <code>publicPaths</code> init-param (comma separated
 * prefixes, see web.xml).
 */
public class AuthenticationFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class);

    private final List<String> publicPaths = new ArrayList<String>();
    private String loginPage = "/login.jsp";

    public void init(FilterConfig config) throws ServletException {
        String paths = config.getInitParameter("publicPaths");
        if (paths != null) {
            StringTokenizer st = new StringTokenizer(paths, ", \t\n");
            while (st.hasMoreTokens()) {
                publicPaths.add(st.nextToken());
            }
        }
        String lp = config.getInitParameter("loginPage");
        if (lp != null) {
            loginPage = lp;
        }
        LOG.info("AuthenticationFilter initialised, public paths: " + publicPaths);
    }

    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;

        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (isPublic(path)) {
            chain.doFilter(req, res);
            return;
        }

        HttpSession session = request.getSession(false);
        User user = session == null ? null : (User) session.getAttribute(User.SESSION_KEY);
        if (user != null) {
            request.setAttribute("currentUser", user);
            chain.doFilter(req, res);
            return;
        }

        if ("XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
            // the JS checks for 401 and reloads the page
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }

        StringBuffer target = new StringBuffer(path);
        if (request.getQueryString() != null && "GET".equals(request.getMethod())) {
            target.append('?').append(request.getQueryString());
        }
        String url = request.getContextPath() + loginPage + "?targetUrl="
                + URLEncoder.encode(target.toString(), "UTF-8");
        if (LOG.isDebugEnabled()) {
            LOG.debug("Not logged in, redirecting " + path + " -> " + url);
        }
        response.sendRedirect(response.encodeRedirectURL(url));
    }

    private boolean isPublic(String path) {
        if (path.equals("/") || path.equals(loginPage)) {
            return true;
        }
        for (String prefix : publicPaths) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public void destroy() {
        publicPaths.clear();
    }
}
