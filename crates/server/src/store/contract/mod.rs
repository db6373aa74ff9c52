//! The storage contract: what every backend of [`Store`](super::Store)
//! must do, written once against the traits and run by each backend.
//!
//! Each case is a plain `async fn(Arc<dyn Store>)` in a topic file; it
//! may use the traits, domain types and public store types only (no SQL,
//! nothing of a backend), so a new backend passes the same suite
//! unchanged. [`store_contract_tests!`] turns every case into a test of
//! the backend that invokes it:
//!
//! ```ignore
//! async fn fresh() -> Option<(Arc<dyn Store>, TempDir)> { ... }
//! crate::store::contract::store_contract_tests!(fresh());
//! ```
//!
//! The expression is evaluated (and awaited) once per case: it must give
//! a new, empty store and whatever has to outlive it (a temporary
//! directory, a database schema), dropped after the case; or `None` when
//! the backend is not available here (a PostgreSQL server not configured),
//! which skips the case (the backend says so once, loudly).
//!
//! Decisions in the cases are mostly the real rules of `crate::domain`;
//! some are closures that refuse, record the facts they are shown
//! (`helpers::peek`), or return a plan the rules would not, to pin what a
//! backend does with any plan.

pub(super) mod accounts;
pub(super) mod block;
pub(super) mod catalogue;
pub(super) mod concurrency;
pub(super) mod custom;
pub(super) mod fans;
pub(super) mod group_sends;
pub(super) mod groups;
mod helpers;
pub(super) mod history;
pub(super) mod last_message;
pub(super) mod logins;
pub(super) mod messages;
pub(super) mod pushes;
pub(super) mod qrlogins;
pub(super) mod read_all;
pub(super) mod relation_lists;
pub(super) mod relations;
pub(super) mod replies;
pub(super) mod reverse;
pub(super) mod search;
pub(super) mod sending;
pub(super) mod sessions;
pub(super) mod settings;
pub(super) mod tags;
pub(super) mod throttles;
pub(super) mod unread_versions;

/// Expands to one `#[tokio::test]` per contract case, grouped in a module
/// per topic, each running the case on a store made by `$make` (a future
/// of `Option<(Arc<dyn Store>, guard)>`; `None` skips the case). A case missing from the list is dead
/// code, which `cargo clippy -- -D warnings` (and so CI) refuses, so none
/// is forgotten.
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store::contract::store_contract_tests!(@topics ($make)
            accounts {
                new_users_take_the_mid_their_decision_picks,
                a_refused_user_is_not_created,
                profile_updates_change_only_the_fields_given,
                profile_decisions_see_existence_and_taken_names,
                credentials_are_found_by_name_or_mid,
                users_are_found_by_a_filter_on_their_names_in_mid_order,
                disabled_and_deleted_accounts,
                writes_after_close_fail_as_closed,
            }
            logins {
                login_sessions_live_until_they_expire,
                a_new_login_forgets_the_users_expired_sessions,
                sessions_are_listed_and_ended_by_user,
                a_new_password_ends_every_session_but_the_one_kept,
            }
            qrlogins {
                qr_logins_are_counted_found_and_forgotten_when_expired,
                qr_login_updates_store_the_state_their_decision_picks,
                a_redeem_forgets_the_qr_login_and_records_the_session_once,
            }
            relations {
                modify_decisions_see_existence_both_directions_and_counts,
                a_refused_modify_writes_nothing,
                follows_quiet_follows_and_blocks_are_counted_on_both_sides,
                every_change_steps_the_version_of_both_users,
                versions_move_only_with_what_their_reader_can_see,
                plan_writes_are_applied_in_order,
                becoming_mutual_refreshes_the_other_side,
                blocking_ends_the_targets_follow,
                relations_are_read_in_the_order_given,
            }
            relation_lists {
                lists_are_newest_first_with_totals_and_pages,
                quiet_follows_and_blocks_have_lists_of_their_own,
                friends_and_common_follows,
                deep_follower_pages_are_the_same_pages,
            }
            reverse {
                followers_follow_every_change_of_the_relation,
                counts_hold_through_blocks_both_ways_and_a_deleted_account,
            }
            fans {
                fans_are_newest_follow_first_within_a_window,
                new_followers_are_those_made_since_the_last_look,
                followings_are_searched_by_name_in_list_order,
            }
            tags {
                creating_a_group_sees_its_name_and_the_count,
                renaming_a_group_sees_whose_it_is,
                edit_decisions_see_named_groups_and_members,
                edits_set_copy_and_move_members,
                a_refused_edit_changes_no_one,
                group_lists_belong_to_their_owner,
                deleting_a_group_keeps_its_members_followed,
                a_follow_that_ends_or_is_remade_leaves_its_groups,
            }
            sending {
                send_decisions_see_the_conversation,
                send_decisions_see_uploaded_images,
                a_refused_send_writes_nothing,
                retries_within_their_window_answer_the_first_send,
                a_stopped_sender_stays_stopped_until_then,
                send_decisions_see_the_anti_harassment_switch_and_trust,
                send_rates_are_stored_with_sends_and_counted_refusals,
            }
            messages {
                stored_messages_take_gap_free_seqnos_and_increasing_keys,
                drafts_keep_every_field,
                a_first_message_to_a_stranger_comes_with_a_tip_for_the_sender,
                a_draft_shown_to_one_side_moves_only_that_side,
                unread_counts_follow_the_talkers_messages,
                recalls_see_their_target_and_mark_it,
                a_tip_is_no_recall_target,
                sends_create_both_sessions,
            }
            history {
                history_pages_between_exclusive_bounds,
                history_shows_each_side_only_what_it_sees,
            }
            last_message {
                a_sessions_last_message_follows_recalls_and_withdrawals,
                a_group_sessions_last_message_follows_posts_and_withdrawals,
            }
            sessions {
                session_lists_are_newest_first_and_page_by_time,
                session_lists_filter_by_follow_and_interception,
                a_removed_session_is_hidden_until_the_next_message,
                read_time_orders_sessions_by_their_last_read,
                reading_moves_the_position_and_recounts_unread,
                a_read_that_does_not_move_changes_nothing,
                change_session_sees_the_state_and_applies_the_decision,
                change_intercepted_touches_only_intercepted_sessions,
                unread_sessions_are_those_with_unread_messages,
            }
            unread_versions {
                the_unread_version_moves_with_every_counted_change,
                joining_and_leaving_a_group_with_unread_posts_move_the_version,
                the_unread_version_moves_with_replies_deliveries_and_withdrawals,
            }
            settings {
                message_settings_round_trip,
            }
            block {
                block_words_are_kept_in_order_and_removed_by_key,
                sends_see_the_receivers_block_words,
                a_hidden_message_is_the_senders_only_and_counts_as_sent,
            }
            catalogue {
                emotes_are_put_replaced_and_deleted,
                keyword_rules_are_put_replaced_and_deleted,
                uploads_are_recorded_once,
            }
            groups {
                creating_a_group_sees_its_id_and_owner_and_applies_the_steps,
                change_facts_show_the_group_its_members_and_the_users_named,
                a_refused_group_change_writes_nothing,
                posts_move_every_members_session,
                reading_a_group_counts_everyone_elses_messages_and_clears_mentions,
                leaving_and_dissolving_take_group_sessions_out_of_lists_and_totals,
                group_session_settings_need_a_live_membership,
            }
            group_sends {
                group_sends_see_membership_mentions_and_recall_targets,
                a_group_send_posts_and_a_recall_drops_unread_for_who_had_not_read_it,
                group_sends_count_against_the_senders_one_rate,
                concurrent_group_sends_take_gap_free_seqnos,
            }
            pushes {
                a_job_to_a_list_is_delivered_in_batches_in_order,
                a_job_to_everyone_goes_by_mid_up_to_the_users_there_were,
                each_receiver_is_admitted_on_existence_and_relation,
                the_senders_session_moves_only_if_it_exists,
                a_withdrawn_message_is_hidden_and_counted_no_more,
            }
            replies {
                replies_are_added_replaced_and_listed_newest_first,
                deletions_see_the_reply_whoever_it_belongs_to,
            }
            custom {
                system_accounts_are_created_changed_listed_and_cleared,
                sessions_with_system_accounts_show_them,
                send_facts_say_who_is_a_system_account,
                customer_files_are_recorded_and_read,
                heartbeats_keep_presence_per_place,
                system_sessions_are_the_owners_with_a_message_newest_first,
            }
            concurrency {
                concurrent_sends_keep_seqnos_gap_free_and_keys_unique,
                of_two_concurrent_first_messages_to_a_stranger_one_is_admitted,
                concurrent_follows_are_all_counted,
                concurrent_new_users_each_get_a_mid_of_their_own,
                write_probes_succeed_until_close,
                readiness_names_the_write_path_and_its_state,
            }
            throttles {
                strikes_are_stored_per_key_until_forgotten,
                concurrent_strikes_on_one_key_are_all_counted,
            }
            read_all {
                reading_all_reads_listed_sessions_with_unread_messages_only,
            }
            search {
                a_search_finds_text_in_the_searchers_own_conversations_newest_first,
                a_search_leaves_out_recalled_messages_and_groups_one_is_not_in,
            }
        );
    };
    (@topics ($make:expr) $($topic:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $topic {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $case() {
                        let Some((store, _guard)) = $make.await else {
                            return;
                        };
                        $crate::store::contract::$topic::$case(store).await;
                    }
                )*
            }
        )*
    };
}

pub(crate) use store_contract_tests;
