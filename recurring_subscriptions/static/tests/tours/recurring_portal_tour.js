import { registry } from "@web/core/registry";

/**
 * A customer skips a coming delivery, pauses the subscription, then cancels it at
 * the end of the period, all from /my/subscriptions. Started by
 * tests/test_portal_tour.py, which checks the database afterwards.
 */
registry.category("web_tour.tours").add("recurring_portal_skip_pause_cancel", {
    url: "/my/subscriptions",
    steps: () => [
        {
            content: "Open the subscription from the list",
            trigger: "tr.o_recurring_subscription_row a",
            run: "click",
        },
        {
            content: "The second coming delivery can be skipped: skip it",
            trigger: "#recurring_subscription_periods tbody tr:nth-child(2) button[name=skip]",
            run: "click",
        },
        {
            content: "The customer is told the delivery is skipped",
            trigger: ".o_recurring_flash.alert-success:contains(skipped)",
        },
        {
            content: "The delivery shows as skipped, with a restore button",
            trigger:
                "#recurring_subscription_periods tbody tr:nth-child(2):has(.badge:contains(Skipped)) button[name=restore]",
        },
        {
            content: "Pause the subscription",
            trigger: "#recurring_subscription_actions button[name=pause]",
            run: "click",
        },
        {
            content: "The subscription is paused",
            trigger: ".o_recurring_flash.alert-success:contains(paused)",
        },
        {
            content: "It can be resumed",
            trigger: "#recurring_subscription_actions button[name=resume]",
        },
        {
            content: "Open the cancellation dialog",
            trigger: "#recurring_subscription_actions button[name=open_cancel]",
            run: "click",
        },
        {
            content: "Choose a reason",
            trigger: "#recurring_modal_cancel select[name=reason_id]",
            run: "selectByLabel Too expensive",
        },
        {
            content: "Cancel at the end of the period",
            trigger: "#recurring_modal_cancel input[name=when][value=period_end]",
            run: "check",
        },
        {
            content: "Confirm the cancellation",
            trigger: "#recurring_modal_cancel button[name=confirm_cancel]",
            run: "click",
        },
        {
            content: "The cancellation is scheduled",
            trigger: ".o_recurring_flash.alert-success:contains(Cancellation scheduled)",
        },
        {
            content: "The subscription shows it ends soon and offers to keep it",
            trigger: ".o_recurring_cancel_scheduled",
        },
        {
            content: "The customer can still change their mind",
            trigger: "#recurring_subscription_actions button[name=undo_cancel]",
        },
    ],
});
