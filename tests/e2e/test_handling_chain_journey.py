"""The handling chain in a real browser, as the four people who walk it (issue 15): the clerk
submits an incoming document to the Head of the Board; he assigns it, from his inbox, to the
planning department; its head dispatches it, from the department's inbox, to an officer with a
shorter deadline; the officer finds it on his home page and in his notifications, records progress
and completes it. A second document goes back to the Office as not the department's, and the
clerk finds it, with the reason, on her home page. Screenshots: test-results/screenshots/chain/."""

import datetime

import pytest
from django.utils import timezone

from ..conftest import screenshot_dir

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = screenshot_dir("chain")
PASSWORD = "Demo@2026"


@pytest.fixture
def people(db, settings, tmp_path):
    from recordsportal.management.commands.seed_demo import seed_organisation
    from recordsportal.models import Department, User

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_organisation()
    return ({u.username: u for u in User.objects.all()}, {d.abbreviation: d for d in Department.objects.all()})


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1366, "height": 800})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def success(page) -> str:
    return page.locator(".alert-success").first.inner_text()


def register(clerk, number_symbol, summary):
    from documents import services

    today = timezone.localdate()
    return services.incoming_register(acting_user=clerk, number_symbol=number_symbol, issuer="Sở Xây dựng",
                                      summary=summary, document_date=today, arrival_date=today, urgency="urgent")


def test_the_chain_walked_by_the_clerk_the_leader_the_head_and_the_officer(people, live_server, page):
    users, departments = people
    today = timezone.localdate()
    document = register(users["vanthu"], "412/SXD-QLXD",
                        "V/v thẩm định quy hoạch chi tiết xây dựng khu tái định cư Kỳ Lợi")

    # 1. The clerk submits it to the Head of the Board by name. (On the way: the outgoing form's
    # drafter list follows the drafting department too.)
    sign_in(page, live_server, "vanthu")
    page.goto(f"{live_server.url}/documents/outgoing/new/")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    page.locator("#id_department").select_option(str(departments["QHXD"].pk))
    page.locator("#id_drafter option", has_text="Trịnh Thị Hoa").wait_for(state="attached")
    assert "Phan Văn Long" not in page.locator("#id_drafter").inner_text()
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    form = page.get_by_test_id("submit-form")
    form.locator("#id_leader").select_option(str(users["truongban"].pk))
    shot(page, "01-van-thu-trinh-lanh-dao")
    form.get_by_role("button", name="Trình lãnh đạo").click()
    assert "Đã trình Trần Đình Hải" in success(page)

    # 2. The leader: his home counts it; his inbox lists it; he assigns it in place.
    sign_in(page, live_server, "truongban")
    tile = page.get_by_test_id("desk-awaiting-direction")
    assert tile.locator(".stat").inner_text() == "1"
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    shot(page, "02-lanh-dao-trang-chu")
    tile.click()
    page.wait_for_url("**/documents/inbox/leadership/")
    row = page.get_by_test_id("inbox-row").filter(has_text=document.number_symbol)
    row.get_by_test_id("open-assign").click()
    form = page.get_by_test_id("assign-form")
    form.wait_for()
    # htmx binds the department select's change handler when it settles the form it swapped in;
    # a change fired before that sends no request (a person never chooses within those ms).
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    department = form.locator("select[name$='-department']")
    department.select_option(str(departments["QHXD"].pk))
    officer = form.locator("select[name$='-officer']")
    # The officer list follows the department chosen.
    officer.locator("option", has_text="Trịnh Thị Hoa").wait_for(state="attached")
    options = officer.inner_text()
    assert "Lý Văn Tuấn" in options and "Phan Văn Long" not in options
    # So does the co-handler list.
    co_handlers = form.locator("select[name$='-co_handlers']")
    co_handlers.locator("option", has_text="Lý Văn Tuấn").wait_for(state="attached")
    assert "Phan Văn Long" not in co_handlers.inner_text() and "Trịnh Thị Hoa" in co_handlers.inner_text()
    deadline = today + datetime.timedelta(days=10)
    form.locator("input[name$='-deadline']").fill(deadline.strftime("%d/%m/%Y"))
    form.locator("textarea[name$='-direction_note']").fill("Giao Phòng Quy hoạch và Xây dựng chủ trì thẩm định.")
    shot(page, "03-lanh-dao-giao-xu-ly-tai-hop-thu")
    form.get_by_role("button", name="Giao xử lý").click()
    page.wait_for_url("**/documents/inbox/leadership/")
    assert "Đã giao xử lý" in success(page)
    assert document.number_symbol not in page.get_by_test_id("leadership-inbox").inner_text()

    # 3. The head of the department: notified, finds it in the department's inbox, dispatches it.
    sign_in(page, live_server, "tp.qhxd")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    assert page.get_by_test_id("desk-awaiting-dispatch").locator(".stat").inner_text() == "1"
    page.get_by_test_id("desk-awaiting-dispatch").click()
    page.wait_for_url("**/documents/inbox/department/")
    row = page.get_by_test_id("inbox-row").filter(has_text=document.number_symbol)
    assert "Giao Phòng Quy hoạch" in row.inner_text()
    row.get_by_test_id("open-dispatch").click()
    form = page.get_by_test_id("dispatch-form")
    officers = form.locator("select[name$='-officer']")
    assert "Trịnh Thị Hoa" in officers.inner_text() and "Phan Văn Long" not in officers.inner_text()
    officers.select_option(str(users["cb.qhxd1"].pk))
    form.locator("select[name$='-co_handlers']").select_option(str(users["cb.qhxd2"].pk))
    form.locator("input[name$='-deadline']").fill((deadline - datetime.timedelta(days=3)).strftime("%d/%m/%Y"))
    form.locator("textarea[name$='-note']").fill("Chị Hoa chủ trì, anh Tuấn phối hợp; dự thảo báo cáo thẩm định.")
    shot(page, "04-truong-phong-giao-viec")
    form.get_by_role("button", name="Giao việc").click()
    page.wait_for_url("**/documents/inbox/department/")
    assert "Đã giao việc cho Trịnh Thị Hoa" in success(page)

    # 4. The officer: home page and notification; progress; completion.
    sign_in(page, live_server, "cb.qhxd1")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    assert document.number_symbol in page.get_by_test_id("desk-to-handle-list").inner_text()
    shot(page, "05-chuyen-vien-trang-chu")
    page.get_by_test_id("notification-bell").click()
    page.wait_for_url("**/notifications/")
    notification = page.get_by_test_id("notification").first
    assert "Bạn được giao xử lý" in notification.inner_text()
    shot(page, "06-chuyen-vien-thong-bao")
    notification.get_by_role("link").first.click()
    page.wait_for_url(f"**/documents/{document.pk}/")
    assert page.get_by_test_id("deadline").inner_text().startswith(
        (deadline - datetime.timedelta(days=3)).strftime("%d/%m/%Y"))
    page.fill("#id_progress_text", "Đã khảo sát hiện trạng, đang dự thảo báo cáo thẩm định.")
    page.get_by_role("button", name="Ghi tiến độ").click()
    assert "Đã ghi tiến độ" in success(page)
    page.fill("#id_progress_text", "Đã trình báo cáo thẩm định.")
    page.get_by_role("button", name="Hoàn thành").click()
    assert "Đã hoàn thành xử lý văn bản" in success(page)
    log = page.get_by_test_id("handling-log").inner_text()
    assert "Giao Trịnh Thị Hoa xử lý" in log and "Đã trình báo cáo thẩm định" in log
    shot(page, "07-chuyen-vien-hoan-thanh")
    assert page.get_by_test_id("unread-count").count() == 0  # opening the notification read it


def test_a_document_not_the_departments_goes_back_to_the_office(people, live_server, page):
    from documents import services

    users, departments = people
    document = register(users["vanthu"], "88/SXD-KT", "V/v báo cáo tình hình doanh nghiệp FDI quý III")
    services.incoming_submit(acting_user=users["vanthu"], document=document)
    services.incoming_assign(acting_user=users["truongban"], document=document, department=departments["QHXD"])

    sign_in(page, live_server, "tp.qhxd")
    page.goto(f"{live_server.url}/documents/inbox/department/")
    row = page.get_by_test_id("inbox-row").filter(has_text=document.number_symbol)
    row.get_by_test_id("open-dispatch").click()
    form = page.get_by_test_id("return-form")
    form.locator("textarea[name$='-reason']").fill("Thuộc lĩnh vực Phòng Quản lý Doanh nghiệp và Lao động.")
    shot(page, "08-truong-phong-tra-lai")
    form.get_by_role("button", name="Trả lại").click()
    assert "Đã trả lại văn bản" in success(page)

    sign_in(page, live_server, "vanthu")
    returned = page.get_by_test_id("returned")
    assert document.number_symbol in returned.inner_text() and "Phòng Quản lý Doanh nghiệp" in returned.inner_text()
    assert page.get_by_test_id("desk-returned").locator(".stat").inner_text() == "1"
    shot(page, "09-van-thu-van-ban-bi-tra-lai")
