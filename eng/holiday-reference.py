"""An independent reference for Japanese national holidays (国民の祝日に関する法律 and its amendments), written
separately from the C# JapaneseHolidays so that the test vectors in
tests/SmartECoupon.Core.Tests/Calendar/JapaneseHolidaysTests.cs are not produced by the code they test.
Usage: python3 eng/holiday-reference.py 1973 1988 ...   (prints one holiday per line: date name)"""
import datetime as dt, math, sys

D = dt.date
def nth_monday(y, m, n):
    d = D(y, m, 1)
    d += dt.timedelta(days=(7 - d.weekday()) % 7)  # first Monday (weekday 0)
    return d + dt.timedelta(weeks=n - 1)

def equinox(y, spring):
    if 1900 <= y <= 1979:
        c = 20.8357 if spring else 23.2588
        inner = math.trunc((y - 1983) / 4)          # truncation, not floor
    elif 1980 <= y <= 2099:
        c = 20.8431 if spring else 23.2488
        inner = (y - 1980) // 4
    else:
        raise ValueError(y)
    return D(y, 3 if spring else 9, int(c + 0.242194 * (y - 1980) - inner))

ONE_OFF = {
    D(1959, 4, 10): "皇太子明仁親王の結婚の儀",
    D(1989, 2, 24): "昭和天皇の大喪の礼",
    D(1990, 11, 12): "即位礼正殿の儀",
    D(1993, 6, 9): "皇太子徳仁親王の結婚の儀",
    D(2019, 5, 1): "天皇の即位の日",
    D(2019, 10, 22): "即位礼正殿の儀",
}

def national(y):
    h = {}
    def add(d, name, start=D(1948, 7, 20)):
        if d >= start:
            h[d] = name
    if y >= 1949: add(D(y, 1, 1), "元日")
    if 1949 <= y <= 1999: add(D(y, 1, 15), "成人の日")
    if y >= 2000: add(nth_monday(y, 1, 2), "成人の日")
    if y >= 1967: add(D(y, 2, 11), "建国記念の日")
    if y >= 2020: add(D(y, 2, 23), "天皇誕生日")
    if y >= 1949: add(equinox(y, True), "春分の日")
    if 1949 <= y <= 1988: add(D(y, 4, 29), "天皇誕生日")
    if 1989 <= y <= 2006: add(D(y, 4, 29), "みどりの日")
    if y >= 2007: add(D(y, 4, 29), "昭和の日")
    if y >= 1949: add(D(y, 5, 3), "憲法記念日")
    if y >= 2007: add(D(y, 5, 4), "みどりの日")
    if y >= 1949: add(D(y, 5, 5), "こどもの日")
    if 1996 <= y <= 2002: add(D(y, 7, 20), "海の日")
    if y >= 2003:
        add({2020: D(2020, 7, 23), 2021: D(2021, 7, 22)}.get(y, nth_monday(y, 7, 3)), "海の日")
    if y >= 2016:
        add({2020: D(2020, 8, 10), 2021: D(2021, 8, 8)}.get(y, D(y, 8, 11)), "山の日")
    if 1966 <= y <= 2002: add(D(y, 9, 15), "敬老の日")
    if y >= 2003: add(nth_monday(y, 9, 3), "敬老の日")
    if y >= 1948: add(equinox(y, False), "秋分の日")
    if 1966 <= y <= 1999: add(D(y, 10, 10), "体育の日")
    if 2000 <= y <= 2019: add(nth_monday(y, 10, 2), "体育の日")
    if y >= 2020:
        add({2020: D(2020, 7, 24), 2021: D(2021, 7, 23)}.get(y, nth_monday(y, 10, 2)), "スポーツの日")
    if y >= 1948: add(D(y, 11, 3), "文化の日")
    if y >= 1948: add(D(y, 11, 23), "勤労感謝の日")
    if 1989 <= y <= 2018: add(D(y, 12, 23), "天皇誕生日")
    for d, name in ONE_OFF.items():
        if d.year == y:
            h[d] = name
    return h

def all_holidays(y):
    h = national(y)
    nat = dict(h)
    # the day after 12/31 or before 1/1 may matter: take neighbours' national days too
    neigh = {**national(y - 1), **nat, **national(y + 1)} if 1949 <= y <= 2098 else nat
    for d in sorted(nat):
        if d.weekday() == 6 and d >= D(1973, 4, 12):
            n = d + dt.timedelta(days=1)
            if d < D(2007, 1, 1):
                if n not in neigh and n.year == y:
                    h[n] = "振替休日"
            else:
                while n in neigh:
                    n += dt.timedelta(days=1)
                if n.year == y:
                    h[n] = "振替休日"
    d = D(y, 1, 1)
    while d.year == y:
        if d not in h and d >= D(1985, 12, 27):
            if (d - dt.timedelta(days=1)) in neigh and (d + dt.timedelta(days=1)) in neigh:
                if d >= D(2007, 1, 1) or d.weekday() != 6:
                    h[d] = "国民の休日"
        d += dt.timedelta(days=1)
    return dict(sorted(h.items()))

if __name__ == "__main__":
    for y in map(int, sys.argv[1:]):
        for d, name in all_holidays(y).items():
            print(d.isoformat(), name)
