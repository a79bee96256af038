-- =====================================================================
-- ACME Orders - reporting queries (PostgreSQL 8.4+, RETURNS TABLE)
-- Used by the controlling department directly in psql / pgAdmin and
-- partly mirrored in com.acme.orders.report.OrderReportGenerator.
-- =====================================================================

-- 1) Monthly revenue of the last 12 months (cancelled orders excluded)
SELECT date_trunc('month', o.order_date)::date                 AS month,
       COUNT(DISTINCT o.id)                                     AS orders,
       SUM(l.quantity)                                          AS units,
       SUM(ROUND(l.quantity * l.unit_price
                 * (1 - l.discount_pct / 100), 2))              AS net_revenue
  FROM orders o
  JOIN order_lines l ON l.order_id = o.id
 WHERE o.status <> 'X'
   AND o.order_date >= date_trunc('month', CURRENT_DATE) - INTERVAL '12 months'
 GROUP BY 1
 ORDER BY 1;

-- 2) Top 20 customers by net revenue in the current year
SELECT c.customer_no,
       c.name,
       c.category,
       COUNT(DISTINCT o.id)   AS orders,
       SUM(t.net_total)       AS net_revenue,
       MAX(o.order_date)      AS last_order
  FROM customers c
  JOIN orders o         ON o.customer_id = c.id
  JOIN v_order_totals t ON t.id = o.id
 WHERE o.status <> 'X'
   AND o.order_date >= date_trunc('year', CURRENT_DATE)
 GROUP BY c.customer_no, c.name, c.category
 ORDER BY net_revenue DESC
 LIMIT 20;

-- 3) Products that were ordered but are low on stock
SELECT p.sku,
       p.name,
       p.stock_qty,
       SUM(l.quantity) AS open_qty
  FROM products p
  JOIN order_lines l ON l.product_id = p.id
  JOIN orders o      ON o.id = l.order_id AND o.status IN ('N', 'C')
 WHERE p.discontinued = FALSE
 GROUP BY p.sku, p.name, p.stock_qty
HAVING SUM(l.quantity) > p.stock_qty
 ORDER BY (SUM(l.quantity) - p.stock_qty) DESC;

-- 4) Customers without orders in the last 180 days (for the sales calls list)
SELECT c.customer_no, c.name, c.phone, MAX(o.order_date) AS last_order
  FROM customers c
  LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'X'
 WHERE c.active = TRUE
 GROUP BY c.customer_no, c.name, c.phone
HAVING MAX(o.order_date) IS NULL
    OR MAX(o.order_date) < CURRENT_DATE - 180
 ORDER BY last_order NULLS FIRST, c.name;

-- 5) Open order aging buckets (same buckets as OrderReportGenerator)
SELECT CASE
         WHEN age_days <= 7  THEN '0-7'
         WHEN age_days <= 14 THEN '8-14'
         WHEN age_days <= 30 THEN '15-30'
         WHEN age_days <= 60 THEN '31-60'
         ELSE '> 60'
       END              AS bucket,
       COUNT(*)         AS orders,
       SUM(net_total)   AS net_total
  FROM v_open_orders
 GROUP BY 1
 ORDER BY MIN(age_days);

-- ---------------------------------------------------------------------
-- Function: customer revenue summary for a period.
--   SELECT * FROM customer_revenue(DATE '2008-01-01', DATE '2009-01-01');
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION customer_revenue(p_from DATE, p_to DATE)
RETURNS TABLE (customer_no VARCHAR, customer_name VARCHAR, orders BIGINT, net_revenue NUMERIC)
AS $$
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_from >= p_to THEN
        RAISE EXCEPTION 'invalid period % - %', p_from, p_to;
    END IF;

    RETURN QUERY
    SELECT c.customer_no, c.name, COUNT(DISTINCT o.id), COALESCE(SUM(t.net_total), 0)
      FROM customers c
      JOIN orders o         ON o.customer_id = c.id
      JOIN v_order_totals t ON t.id = o.id
     WHERE o.order_date >= p_from
       AND o.order_date <  p_to
       AND o.status <> 'X'
     GROUP BY c.customer_no, c.name
     ORDER BY 4 DESC;
END;
$$ LANGUAGE plpgsql STABLE;

-- ---------------------------------------------------------------------
-- Procedure-style function: close shipped orders that are older than
-- p_days days by setting them to INVOICED. Returns the number of rows.
-- Called nightly by cron:  SELECT close_shipped_orders(14);
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION close_shipped_orders(p_days INTEGER)
RETURNS INTEGER AS $$
DECLARE
    v_count INTEGER := 0;
    r       RECORD;
BEGIN
    FOR r IN
        SELECT id, order_no
          FROM orders
         WHERE status = 'S'
           AND delivery_date < CURRENT_DATE - p_days
         FOR UPDATE
    LOOP
        UPDATE orders SET status = 'I', version = version + 1 WHERE id = r.id;
        v_count := v_count + 1;
        RAISE NOTICE 'invoiced %', r.order_no;
    END LOOP;
    RETURN v_count;
END;
$$ LANGUAGE plpgsql VOLATILE;
