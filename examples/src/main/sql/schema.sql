-- =====================================================================
-- ACME Orders - database schema (PostgreSQL 8.3)
-- Run as the owner of database acme_orders:
--   psql -U acme_owner -d acme_orders -f schema.sql
-- =====================================================================

BEGIN;

-- ---------------------------------------------------------------------
-- Users
-- ---------------------------------------------------------------------
CREATE TABLE app_users (
    id              BIGSERIAL PRIMARY KEY,
    login           VARCHAR(32)  NOT NULL,
    display_name    VARCHAR(100) NOT NULL,
    locale          VARCHAR(5)   NOT NULL DEFAULT 'de',
    pw_salt         VARCHAR(16)  NOT NULL,
    pw_hash         CHAR(40)     NOT NULL,
    failed_logins   INTEGER      NOT NULL DEFAULT 0,
    locked          BOOLEAN      NOT NULL DEFAULT FALSE,
    last_login      TIMESTAMP,
    CONSTRAINT uq_app_users_login UNIQUE (login),
    CONSTRAINT ck_app_users_login_lower CHECK (login = LOWER(login))
);

CREATE TABLE app_user_roles (
    user_id  BIGINT      NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
    role     VARCHAR(20) NOT NULL,
    PRIMARY KEY (user_id, role),
    CONSTRAINT ck_role CHECK (role IN ('clerk', 'manager', 'admin'))
);

-- ---------------------------------------------------------------------
-- Customers
-- ---------------------------------------------------------------------
CREATE TABLE customers (
    id            BIGSERIAL PRIMARY KEY,
    customer_no   VARCHAR(12)  NOT NULL,
    name          VARCHAR(200) NOT NULL,
    email         VARCHAR(200),
    phone         VARCHAR(40),
    category      CHAR(3)      NOT NULL DEFAULT 'STD',
    active        BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    bill_street   VARCHAR(200),
    bill_zip      VARCHAR(10),
    bill_city     VARCHAR(100),
    bill_country  CHAR(2)      NOT NULL DEFAULT 'DE',
    ship_street   VARCHAR(200),
    ship_zip      VARCHAR(10),
    ship_city     VARCHAR(100),
    ship_country  CHAR(2),
    CONSTRAINT uq_customers_no UNIQUE (customer_no),
    CONSTRAINT ck_customers_category CHECK (category IN ('STD', 'GLD', 'WHS'))
);

CREATE INDEX ix_customers_name_upper ON customers (UPPER(name));
CREATE INDEX ix_customers_city ON customers (UPPER(bill_city));

-- ---------------------------------------------------------------------
-- Products
-- ---------------------------------------------------------------------
CREATE TABLE products (
    id            BIGSERIAL PRIMARY KEY,
    sku           VARCHAR(20)   NOT NULL,
    name          VARCHAR(200)  NOT NULL,
    description   TEXT,
    category      VARCHAR(40)   NOT NULL,
    unit_price    NUMERIC(10,2) NOT NULL,
    stock_qty     INTEGER       NOT NULL DEFAULT 0,
    discontinued  BOOLEAN       NOT NULL DEFAULT FALSE,
    CONSTRAINT uq_products_sku UNIQUE (sku),
    CONSTRAINT ck_products_price CHECK (unit_price >= 0),
    CONSTRAINT ck_products_stock CHECK (stock_qty >= 0)
);

CREATE INDEX ix_products_category ON products (category) WHERE discontinued = FALSE;

-- ---------------------------------------------------------------------
-- Orders
-- ---------------------------------------------------------------------
CREATE SEQUENCE order_no_seq START WITH 1000 INCREMENT BY 1;

CREATE TABLE orders (
    id             BIGSERIAL PRIMARY KEY,
    order_no       VARCHAR(20) NOT NULL,
    customer_id    BIGINT      NOT NULL,
    order_date     DATE        NOT NULL DEFAULT CURRENT_DATE,
    delivery_date  DATE,
    status         CHAR(1)     NOT NULL DEFAULT 'N',
    remarks        VARCHAR(2000),
    version        INTEGER     NOT NULL DEFAULT 0,
    CONSTRAINT uq_orders_no UNIQUE (order_no),
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT ck_orders_status CHECK (status IN ('N', 'C', 'S', 'I', 'X')),
    CONSTRAINT ck_orders_delivery CHECK (delivery_date IS NULL OR delivery_date >= order_date)
);

CREATE INDEX ix_orders_customer ON orders (customer_id);
CREATE INDEX ix_orders_date ON orders (order_date DESC, id DESC);
CREATE INDEX ix_orders_open ON orders (status) WHERE status IN ('N', 'C');

CREATE TABLE order_lines (
    id            BIGSERIAL PRIMARY KEY,
    order_id      BIGINT        NOT NULL,
    line_no       INTEGER       NOT NULL,
    product_id    BIGINT        NOT NULL,
    quantity      INTEGER       NOT NULL,
    unit_price    NUMERIC(10,2) NOT NULL,
    discount_pct  NUMERIC(5,2)  NOT NULL DEFAULT 0,
    CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_lines_product FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT uq_lines_order_line UNIQUE (order_id, line_no),
    CONSTRAINT ck_lines_qty CHECK (quantity > 0 AND quantity <= 9999),
    CONSTRAINT ck_lines_discount CHECK (discount_pct BETWEEN 0 AND 100)
);

CREATE INDEX ix_order_lines_product ON order_lines (product_id);

-- ---------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------

-- Order header with computed totals; used by the reports and by support.
CREATE VIEW v_order_totals AS
SELECT o.id,
       o.order_no,
       o.order_date,
       o.status,
       c.customer_no,
       c.name                                                   AS customer_name,
       COUNT(l.id)                                              AS line_count,
       COALESCE(SUM(l.quantity), 0)                             AS total_qty,
       COALESCE(SUM(ROUND(l.quantity * l.unit_price
                          * (1 - l.discount_pct / 100), 2)), 0) AS net_total
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
  LEFT JOIN order_lines l ON l.order_id = o.id
 GROUP BY o.id, o.order_no, o.order_date, o.status, c.customer_no, c.name;

CREATE VIEW v_open_orders AS
SELECT t.*, CURRENT_DATE - t.order_date AS age_days
  FROM v_order_totals t
 WHERE t.status IN ('N', 'C');

-- ---------------------------------------------------------------------
-- Seed data
-- ---------------------------------------------------------------------

-- password for all demo users: "demo" (salt + ':' + password, SHA-1)
INSERT INTO app_users (login, display_name, locale, pw_salt, pw_hash) VALUES
    ('anna',  'Anna Schmidt',  'de', 'x9Kq2', 'b1f5a0d3c7e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0'),
    ('bernd', 'Bernd Meier',   'de', 'p0Lz7', 'c2e6b1f4d8f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1'),
    ('admin', 'Administrator', 'en', 'r4Tt1', 'd3f7c2a5e9b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2');

INSERT INTO app_user_roles (user_id, role)
SELECT id, 'clerk' FROM app_users WHERE login IN ('anna', 'bernd');
INSERT INTO app_user_roles (user_id, role)
SELECT id, 'manager' FROM app_users WHERE login = 'bernd';
INSERT INTO app_user_roles (user_id, role)
SELECT id, 'admin' FROM app_users WHERE login = 'admin';

INSERT INTO customers (customer_no, name, email, phone, category, bill_street, bill_zip, bill_city) VALUES
    ('K-000101', 'Müller Bürobedarf GmbH',     'einkauf@mueller-buero.example', '089 123456', 'GLD', 'Hauptstraße 5',    '80331', 'München'),
    ('K-000102', 'Schreibwaren Krause',        'info@krause.example',           '030 998877', 'STD', 'Am Markt 12',      '10117', 'Berlin'),
    ('K-000103', 'Großhandel Nord AG',         'order@gh-nord.example',         '040 555000', 'WHS', 'Hafenweg 1',       '20457', 'Hamburg'),
    ('K-000104', 'Papier & Co. KG',            NULL,                            '0221 4711',  'STD', 'Domplatz 3',       '50667', 'Köln'),
    ('K-000105', 'Office Service Süd',         'os-sued@example.com',           '0711 24680', 'GLD', 'Königstraße 40',   '70173', 'Stuttgart');

UPDATE customers SET active = FALSE WHERE customer_no = 'K-000104';

INSERT INTO products (sku, name, description, category, unit_price, stock_qty, discontinued) VALUES
    ('PA-100500', 'Kopierpapier A4 80g (500 Bl.)',  'Weiß, holzfrei, für alle Drucker', 'Papier',     4.95, 1200, FALSE),
    ('PA-100501', 'Kopierpapier A3 80g (500 Bl.)',  NULL,                               'Papier',     9.90,  300, FALSE),
    ('SC-200010', 'Kugelschreiber blau (10er)',     'Mit Druckmechanik',                'Schreiben',  3.49,  850, FALSE),
    ('SC-200011', 'Textmarker Set 4 Farben',        NULL,                               'Schreiben',  5.29,    8, FALSE),
    ('OR-300100', 'Ordner breit, blau',             '8 cm Rücken, mit Griffloch',       'Ordnen',     2.15,  640, FALSE),
    ('OR-300101', 'Hängeregister (25er)',           NULL,                               'Ordnen',    12.80,   45, FALSE),
    ('TK-400001', 'Tintenpatrone HP 21 schwarz',    'Kompatibel',                       'Toner',     17.95,   60, FALSE),
    ('TK-400002', 'Farbband Nadeldrucker',          'Nur noch Restbestand',             'Toner',      6.50,    0, TRUE);

INSERT INTO orders (order_no, customer_id, order_date, delivery_date, status, remarks)
SELECT 'AO-2008-000998', id, DATE '2008-10-06', DATE '2008-10-13', 'I', NULL
  FROM customers WHERE customer_no = 'K-000101';
INSERT INTO orders (order_no, customer_id, order_date, delivery_date, status, remarks)
SELECT 'AO-2008-000999', id, DATE '2008-11-20', DATE '2008-11-27', 'C', 'Bitte an Warenannahme Tor 3 liefern'
  FROM customers WHERE customer_no = 'K-000103';

INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price, discount_pct)
SELECT o.id, 1, p.id, 20, p.unit_price, 7.00
  FROM orders o, products p WHERE o.order_no = 'AO-2008-000998' AND p.sku = 'PA-100500';
INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price, discount_pct)
SELECT o.id, 2, p.id, 5, p.unit_price, 5.00
  FROM orders o, products p WHERE o.order_no = 'AO-2008-000998' AND p.sku = 'OR-300100';
INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price, discount_pct)
SELECT o.id, 1, p.id, 120, p.unit_price, 20.00
  FROM orders o, products p WHERE o.order_no = 'AO-2008-000999' AND p.sku = 'PA-100500';

COMMIT;
