import { registry } from "@web/core/registry";

/**
 * The product page shows the chosen plan's price, and a refused option under the input
 * the shopper typed in, without adding anything. Started by
 * tests/test_shop_product_errors.py.
 */
registry.category("web_tour.tours").add("recurring_shop_option_errors", {
    steps: () => [
        {
            content: "The page shows the first plan's price",
            trigger: ".product_price .oe_price:contains(200.00)",
        },
        {
            content: "Choose the yearly plan (-10%)",
            trigger: ".o_recurring_plan label:contains(Yearly)",
            run: "click",
        },
        {
            content: "The page price follows the plan",
            trigger: ".product_price .oe_price:contains(180.00)",
        },
        {
            content: "End after a number of deliveries",
            trigger: ".o_recurring_end_options select[name=recurring_end_mode]",
            run: "select count",
        },
        {
            content: "A negative number",
            trigger: ".o_recurring_end_options input[name=recurring_period_count]",
            run() {
                // Typed by hand, "-" is dropped by the tour's keyboard on a number input.
                this.anchor.value = "-2";
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Add to cart",
            trigger: "#product_detail form #add_to_cart",
            run: "click",
        },
        {
            content: "The server's message is shown under the number",
            trigger:
                ".o_recurring_end_options .o_recurring_error:contains(The number of deliveries cannot be negative.)",
        },
        {
            content: "The input is marked",
            trigger: ".o_recurring_end_options input[name=recurring_period_count].is-invalid",
        },
    ],
});
