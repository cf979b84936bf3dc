"""What the library's pages show beyond their fields, registered on the page classes.

Wagtail serves both pages through their models, which import neither the forms nor the
selectors read here (they import the models): so these functions are registered on the
page classes (``website.pageviews``), and ``PracticesConfig.ready`` imports this module.
"""

from django.core.paginator import Paginator

from .forms import PracticeFilterForm
from .models import GoodPracticeIndexPage, GoodPracticePage
from .selectors import localize_practices, practice_details, practices_for_listing


@GoodPracticeIndexPage.register_context
def library_context(index, request):
    """The practices under the library that match the filters of the query string, a page
    of them at a time, each in the active language when translated."""
    form = PracticeFilterForm(request.GET, index=index)
    practices = practices_for_listing(index=index, filters=form.filters)
    page_obj = Paginator(practices, index.PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    filter_query = params.urlencode()
    return {
        "filter_form": form,
        "filters": form.filters,
        "page_obj": page_obj,
        "practices": localize_practices(page_obj.object_list),
        # What the pagination include puts before "page=".
        "query_string": f"{filter_query}&" if filter_query else "",
    }


@GoodPracticePage.register_context
def practice_context(page, request):
    """Only published actors, the practice's sectors and its documents."""
    return practice_details(page)
