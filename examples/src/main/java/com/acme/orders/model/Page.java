package com.acme.orders.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One page of a larger result set, used by the list screens.
 *
 * @param <T> element type
 */
public class Page<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_PAGE_SIZE = 25;

    private final List<T> items;
    private final int pageNumber;
    private final int pageSize;
    private final int totalCount;

    public Page(List<T> items, int pageNumber, int pageSize, int totalCount) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
        }
        this.items = items == null ? new ArrayList<T>() : new ArrayList<T>(items);
        this.pageNumber = Math.max(1, pageNumber);
        this.pageSize = pageSize;
        this.totalCount = Math.max(0, totalCount);
    }

    /** Creates an empty first page. */
    public static <E> Page<E> empty(int pageSize) {
        return new Page<E>(Collections.<E>emptyList(), 1, pageSize, 0);
    }

    public List<T> getItems() {
        return Collections.unmodifiableList(items);
    }

    public int getPageNumber() {
        return pageNumber;
    }

    public int getPageSize() {
        return pageSize;
    }

    public int getTotalCount() {
        return totalCount;
    }

    public int getPageCount() {
        return (totalCount + pageSize - 1) / pageSize;
    }

    public boolean isFirst() {
        return pageNumber <= 1;
    }

    public boolean isLast() {
        return pageNumber >= getPageCount();
    }

    /** Zero-based offset of the first row, handy for SQL OFFSET. */
    public int getOffset() {
        return (pageNumber - 1) * pageSize;
    }

    public static int offsetFor(int pageNumber, int pageSize) {
        return (Math.max(1, pageNumber) - 1) * pageSize;
    }

    @Override
    public String toString() {
        return "Page{" + pageNumber + "/" + getPageCount() + ", items=" + items.size() + "}";
    }
}
