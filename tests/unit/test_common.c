/* test_common.c — error codes, messages and the errbuf contract. */
#include "test.h"
#include "likeness/likeness.h"

int main(void)
{
    lk_errbuf e;
    lk_errbuf_clear(&e);
    CHECK_INT(e.code, 0);
    CHECK_STR(e.msg, "");
    CHECK_STR(lk_strerror(0), "success");
    CHECK_STR(lk_strerror(LK_ENOMEM), "out of memory");
    CHECK_STR(lk_strerror(LK_ESTATE), "invalid state");
    CHECK_STR(lk_strerror(LK_ERROR_MIN - 1), "unknown error");
    CHECK_STR(lk_strerror(5), "unknown error");
    for (int c = 0; c >= LK_ERROR_MIN; c--)
        CHECK(lk_strerror(c) != NULL && strcmp(lk_strerror(c), "unknown error") != 0);
    CHECK_STR(lk_version(), LK_VERSION_STRING);
    TEST_DONE("common");
}
