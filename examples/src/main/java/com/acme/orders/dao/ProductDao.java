package com.acme.orders.dao;

import java.util.List;

import com.acme.orders.model.Product;

/**
 * Read mostly access to the product catalog.
 */
public interface ProductDao {

    Product findById(Long id);

    Product findBySku(String sku);

    List<Product> findByCategory(String category, boolean includeDiscontinued);

    List<String> findCategories();

    /** Decrements stock; returns false if there was not enough stock. */
    boolean reserveStock(Long productId, int quantity);
}
