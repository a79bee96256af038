/*
 * ACME Orders - order entry screen (orders/edit.jsp).
 * Requires jQuery 1.2.x and util.js.
 *
 * Struts renders indexed fields as name="line[0].quantity" etc.; jQuery
 * selectors therefore need the brackets escaped, see AcmeOrders.field().
 */

/**
 * Validates the order form before submit. Returns false (and shows an
 * alert) when something is wrong; mirrors OrderForm.validate().
 */
function validateOrderForm(form) {
    var errors = [];
    var delivery = form.elements["deliveryDate"];
    var filled = 0;

    if (delivery && delivery.value !== "" && AcmeUtil.parseDate(delivery.value) === null) {
        errors.push("Liefertermin ist kein g\u00fcltiges Datum (TT.MM.JJJJ).");
    }

    $("#lineTable tr.line").each(function (i) {
        var sku = $(this).find("input.sku").val();
        var qty = $(this).find("input.qty").val();
        var del = $(this).find("input[type=checkbox]").attr("checked");
        if (del || ($.trim(sku) === "" && $.trim(qty) === "")) {
            return; // continue
        }
        filled++;
        if ($.trim(sku) === "") {
            errors.push("Position " + (i + 1) + ": Artikelnummer fehlt.");
        }
        if (!/^\d+$/.test($.trim(qty)) || parseInt(qty, 10) <= 0) {
            errors.push("Position " + (i + 1) + ": Menge muss eine positive ganze Zahl sein.");
        }
    });

    if (filled === 0) {
        errors.push("Der Auftrag ben\u00f6tigt mindestens eine Position.");
    }
    if (errors.length > 0) {
        alert(errors.join("\n"));
        return false;
    }
    return true;
}

/**
 * Recalculates line totals and the footer sums from the visible fields.
 * Discounts are shown as computed by the server on the last save; new
 * lines are calculated without discount until saved.
 */
function recalcTotals(vatRate) {
    var net = 0;
    $("#lineTable tr.line").each(function () {
        var row = $(this);
        var qty = parseInt(row.find("input.qty").val(), 10);
        var price = AcmeUtil.parseNumber(row.find("td.price").text());
        var discount = AcmeUtil.parseNumber(row.find("td.discount").text()) || 0;
        var deleted = row.find("input[type=checkbox]").attr("checked");
        var total;
        if (isNaN(qty) || isNaN(price) || deleted) {
            row.find("td.total").html("&nbsp;");
            return;
        }
        total = Math.round(qty * price * (100 - discount)) / 100;
        row.find("td.total").text(AcmeUtil.formatMoney(total));
        net += total;
    });
    var vat = Math.round(net * vatRate * 100) / 100;
    $("#netTotal").text(AcmeUtil.formatMoney(net));
    $("#vatAmount").text(AcmeUtil.formatMoney(vat));
    $("#grossTotal").text(AcmeUtil.formatMoney(net + vat));
    return net;
}

/**
 * Module object used from the JSP (onchange handlers etc.).
 */
var AcmeOrders = {

    options: {
        contextPath: "",
        readOnly: false,
        vatRate: 0.19,
        msgUnknownSku: "Unknown item number"
    },

    /** Called inline from edit.jsp with server side settings. */
    init: function (opts) {
        $.extend(this.options, opts || {});
        var self = this;
        $(document).ready(function () {
            self.recalcTotals();
            $("#deliveryDate").blur(function () {
                var d = AcmeUtil.parseDate(this.value);
                if (d) {
                    this.value = AcmeUtil.formatDate(d); // normalise "1.2.09" -> "01.02.2009"
                }
            });
            // leaving the page with unsaved changes
            self.dirty = false;
            $("#orderForm :input").change(function () { self.dirty = true; });
            $("#orderForm").submit(function () { self.dirty = false; });
            window.onbeforeunload = function () {
                if (self.dirty) {
                    return "Ungespeicherte \u00c4nderungen gehen verloren.";
                }
            };
        });
    },

    validateOrderForm: function (form) {
        return validateOrderForm(form);
    },

    recalcTotals: function () {
        return recalcTotals(this.options.vatRate);
    },

    /** jQuery selector for an indexed Struts field, e.g. line[2].sku */
    field: function (index, property) {
        return $("input[name='line[" + index + "]." + property + "']");
    },

    /**
     * Looks up a product by SKU via XHR (ProductCatalogAction.lookup) and
     * fills product name and price of the given line.
     */
    lookupProduct: function (input, index) {
        var self = this;
        var sku = $.trim(input.value).toUpperCase();
        var row = $("#line_" + index);
        input.value = sku;
        if (sku === "") {
            row.find("td.productName").text("");
            row.find("td.price").text("");
            self.recalcTotals();
            return;
        }
        row.addClass("loading");
        $.ajax({
            url: self.options.contextPath + "/productCatalog.do",
            type: "GET",
            dataType: "json",
            cache: false,
            data: { method: "lookup", sku: sku },
            success: function (data) {
                row.removeClass("loading");
                if (data.error) {
                    row.addClass("invalid");
                    row.find("td.productName").text(self.options.msgUnknownSku);
                    row.find("td.price").text("");
                } else {
                    row.removeClass("invalid");
                    row.find("td.productName").text(data.name);
                    row.find("td.price").text(data.price.replace(".", ","));
                    if (data.stock < 10) {
                        row.find("td.productName").append(" <span class=\"low\">(" + data.stock + ")</span>");
                    }
                }
                self.recalcTotals();
            },
            error: function (xhr) {
                row.removeClass("loading");
                if (xhr.status === 401) {
                    // session expired: the AuthenticationFilter answers 401 to XHR
                    window.location.reload();
                } else {
                    alert("Fehler bei der Artikelsuche (" + xhr.status + ")");
                }
            }
        });
    },

    /** Clones the last line row and renumbers its field names. */
    addLine: function () {
        var rows = $("#lineTable tr.line");
        var last = rows.eq(rows.length - 1);
        var index = rows.length;
        var clone = last.clone();
        clone.attr("id", "line_" + index);
        clone.find("td:first").text(index + 1);
        clone.find(":input").each(function () {
            this.name = this.name.replace(/\[\d+\]/, "[" + index + "]");
            if (this.type === "checkbox") {
                this.checked = false;
            } else {
                this.value = "";
            }
        });
        clone.find("input.sku").attr("onchange", "").change(function () {
            AcmeOrders.lookupProduct(this, index);
        });
        clone.find("td.productName, td.price, td.discount, td.total").html("&nbsp;");
        last.after(clone);
        clone.find("input.sku").focus();
    },

    /** Called from the embedded product picker (catalog.jsp). */
    pickProduct: function (sku) {
        var target = $("#lineTable input.sku").filter(function () {
            return this.value === "";
        }).eq(0);
        if (target.length === 0) {
            this.addLine();
            target = $("#lineTable input.sku:last");
        }
        target.val(sku).change();
        $("#productPicker").hide();
    }
};
