import { registry } from "@web/core/registry";

/**
 * A customer opens the changes of a subscription, previews an upgrade to the
 * yearly plan (amount now and next renewal), then confirms it. Started by
 * tests/test_portal_change.py, which checks the database afterwards.
 */
registry.category("web_tour.tours").add("recurring_portal_upgrade_preview", {
    steps: () => [
        {
            content: "Open the changes of the subscription",
            trigger: "#recurring_subscription_actions a[name=open_change]",
            run: "click",
        },
        {
            content: "The yearly plan is offered",
            trigger: "#recurring_change_switch select[name=plan_id]:has(option:contains(Yearly))",
        },
        {
            content: "Preview the switch",
            trigger: "#recurring_change_switch button[name=preview_switch]",
            run: "click",
        },
        {
            content: "The preview shows the amount billed now and the next renewal",
            trigger: "#recurring_change_preview .o_recurring_preview_total_now",
        },
        {
            content: "The credit for the unused time is listed",
            trigger: "#recurring_change_preview .o_recurring_preview_credit",
        },
        {
            content: "Confirm",
            trigger: "#recurring_change_preview button[name=confirm_change]",
            run: "click",
        },
        {
            content: "The customer is told the plan changed",
            trigger: ".o_recurring_flash.alert-success:contains(Plan switched)",
        },
    ],
});
