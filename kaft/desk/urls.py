from django.urls import include, path

from kaft.desk.views import auth, checkin, checkout, handover, lists, members, renewing

app_name = "desk"
urlpatterns = [
    path("login/", auth.DeskLoginView.as_view(), name="login"),
    path("logout/", auth.DeskLogoutView.as_view(), name="logout"),
    path("branch/", auth.branch_pick, name="branch"),
    path("", checkout.checkout_page, name="checkout"),
    path("scan/", checkout.scan, name="scan"),
    path("next/", checkout.next_member, name="next_member"),
    path("loans/<int:loan_id>/renew/", renewing.renew, name="renew"),
    path("renew-all/", renewing.renew_all, name="renew_all"),
    path("hand-over/", handover.hand_over, name="hand_over"),
    path("checkin/", checkin.checkin_page, name="checkin"),
    path("checkin/scan/", checkin.checkin_scan, name="checkin_scan"),
    path("members/", members.member_list, name="members"),
    path("members/new/", members.member_new, name="member_new"),
    path("members/<int:member_id>/", members.member_detail, name="member_detail"),
    path("members/<int:member_id>/edit/", members.member_edit, name="member_edit"),
    path("members/<int:member_id>/block/", members.member_block_view, name="member_block"),
    path("members/<int:member_id>/unblock/", members.member_unblock_view, name="member_unblock"),
    path("items/", lists.item_lookup, name="items"),
    path("holds-shelf/", lists.holds_shelf_list, name="holds_shelf"),
    path("transit/", lists.transit, name="transit"),
    path("pull-list/", lists.pull_list, name="pull_list"),
    path("", include("kaft.desk.urls_retention")),
    path("", include("kaft.desk.urls_consent")),
    path("", include("kaft.desk.urls_transparency")),
    path("", include("kaft.desk.urls_rights")),
    path("", include("kaft.desk.urls_family")),
    path("", include("kaft.desk.urls_security")),
    path("", include("kaft.desk.urls_slips")),
    path("", include("kaft.desk.urls_letters")),
    path("", include("kaft.desk.urls_payments")),
    path("", include("kaft.desk.urls_sepa")),
    path("", include("kaft.desk.urls_kiosks")),
]
