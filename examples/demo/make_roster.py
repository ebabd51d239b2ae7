#!/usr/bin/env python3
"""Writes the demo roster (places.csv, people.csv, students.csv) of one
made-up township: 5 villages, a primary and a middle school, 15 classes,
every role, and ~200 students, some in special-need categories. The names
are invented; the output is deterministic (fixed seed), and the first rows
are the ones the README and the tests refer to. Run from this directory:
    python3 make_roster.py
"""
import csv
import random

random.seed(20240901)

places = [
    ("C01", "示范县", "county", ""),
    ("T01", "后柳镇", "township", "C01"),
    ("V01", "中坝村", "village", "T01"),
    ("V02", "上河村", "village", "T01"),
    ("V03", "石桥村", "village", "T01"),
    ("V04", "柳湾村", "village", "T01"),
    ("V05", "后柳社区", "village", "T01"),
    ("S01", "后柳镇中心小学", "school", "T01"),
    ("S02", "后柳镇中学", "school", "T01"),
]
cn_num = "一二三四五六七八九"
classes = []
for grade in range(1, 7):
    for n in (1, 2) if grade <= 4 else (1,):
        classes.append((f"K0{grade}0{n}", f"{cn_num[grade-1]}年级{cn_num[n-1]}班", "S01"))
for grade in range(7, 10):
    for n in (1, 2) if grade <= 8 else (1,):
        classes.append((f"K0{grade}0{n}", f"{cn_num[grade-1]}年级{cn_num[n-1]}班", "S02"))
for code, name, school in classes:
    places.append((code, name, "class", school))

# The people the README and the tests use come first.
people = [
    ("13800000001", "王丽", "head_teacher", "K0302"),
    ("13800000001", "王丽", "teacher", "S01"),
    ("13800000011", "赵强", "head_teacher", "K0401"),
    ("13800000002", "刘建国", "principal", "S01"),
    ("13800000003", "陈督学", "inspector", "S01"),
    ("13800000004", "张大山", "village_head", "V01"),
    ("13800000014", "李永福", "village_head", "V02"),
    ("13800000005", "周干部", "village_cadre", "V01"),
    ("13800000006", "孙办事", "township_official", "T01"),
    ("13800000007", "吴镇长", "township_head", "T01"),
    ("13800000021", "郑老师", "head_teacher", "K0701"),
    ("13800000022", "钱校长", "principal", "S02"),
    ("13800000008", "马局", "bureau", "C01"),
    ("13800000009", "黄县长", "county", "C01"),
]
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
given = "小明红华丽军伟芳娜敏静秀英杰涛斌超霞平刚桂兰玉萍建国志强海燕春梅文博宇轩子涵欣怡浩然雨萱梓豪思远佳琪"

def name(n):
    return random.choice(surnames) + "".join(random.choice(given) for _ in range(n))

phone = 13800000100
taken = {p[3] for p in people if p[2] == "head_teacher"}
for code, _, _ in classes:
    if code not in taken:
        people.append((str(phone), name(2) , "head_teacher", code))
        phone += 1
for school in ("S01", "S02"):
    for _ in range(2):
        people.append((str(phone), name(2), "teacher", school))
        phone += 1
people.append(("13800000023", "冯督学", "inspector", "S02"))
for v, vname in (("V03", ""), ("V04", ""), ("V05", "")):
    people.append((str(phone), name(2), "village_head", v))
    phone += 1
for v in ("V02", "V03", "V04", "V05"):
    people.append((str(phone), name(2), "village_cadre", v))
    phone += 1
people.append((str(phone), name(2), "township_head", "T01"))
phone += 1

students = [
    ("20240101", "张小明", "男", "K0302", "V01", "13900000001", "left_behind"),
    ("20240102", "李四", "女", "K0302", "V02", "13900000002", ""),
    ("20240103", "王芳芳", "女", "K0302", "V01", "", "registered_poor|low_income"),
    ("20240201", "赵大勇", "男", "K0401", "V02", "13900000004", ""),
    ("G51012320130101123X", "钱多多", "男", "K0401", "V01", "13900000005", "disabled"),
    ("20230701", "孙悟", "男", "K0701", "V03", "13900000006", "learning_difficulty"),
]
categories = ["left_behind", "disabled", "orphan", "unsupported", "distress",
              "registered_poor", "low_income", "learning_difficulty", "single_parent"]
villages = ["V01", "V02", "V03", "V04", "V05"]
serial = 1000
gphone = 13900001000
while len(students) < 200:
    code, _, _ = random.choice(classes)
    serial += 1
    cats = []
    if random.random() < 0.3:
        cats = sorted(set(random.sample(categories, random.choice((1, 1, 2)))))
    students.append((f"2024{serial:04d}", name(random.choice((1, 2))),
                     random.choice("男女"), code, random.choice(villages),
                     str(gphone) if random.random() < 0.85 else "", "|".join(cats)))
    gphone += 1

def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

write("places.csv", ["code", "name", "kind", "parent"], places)
write("people.csv", ["phone", "name", "role", "scope"], people)
write("students.csv", ["student_no", "name", "gender", "class", "village",
                       "guardian_phone", "categories"], students)
print(f"{len(places)} places, {len(people)} people, {len(students)} students")
