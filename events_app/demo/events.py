"""Demo events, written for this project, placed relative to today in several timezones."""

from __future__ import annotations

from typing import Any

# Each entry: days from today (in the event's own timezone), local start time, and either a
# duration in minutes or, for all-day events, a number of days.
EVENTS: list[dict[str, Any]] = [
    {
        "slug": "open-research-infrastructure-forum",
        "title": "Open Research Infrastructure Forum",
        "summary": "Facility managers and funders compare how they open instruments and data "
                   "to partners abroad.",
        "description": "Three short talks, then a moderated discussion.\n\n"
                       "1. Booking rules that work for outside users\n"
                       "2. Publishing data with its calibration notes\n"
                       "3. Counting shared infrastructure in evaluations\n\n"
                       "Interpretation between Chinese and English is provided.",
        "timezone": "Asia/Shanghai", "days": 12, "time": "14:00", "minutes": 90,
        "venue": "Zhongguancun Innovation Centre, Hall B",
        "address": "Haidian District, Beijing, China",
        "format": "in_person", "capacity": 120, "organizer": "Open Science Desk",
        "categories": ["Open science", "Research policy"],
        "articles": ["shared-labs-shared-data"],
    },
    {
        "slug": "quantum-links-public-lecture",
        "title": "Quantum Links Across Borders: a public lecture",
        "summary": "What a quantum communication network between countries could do, and what "
                   "it could not.",
        "description": "An evening lecture for a general audience, followed by questions from "
                       "the room and from people joining online.",
        "timezone": "Asia/Singapore", "days": 20, "time": "19:00", "minutes": 90,
        "venue": "Science Centre Auditorium", "address": "15 Science Centre Road, Singapore",
        "online_url": "https://stream.example.org/quantum-links",
        "format": "hybrid", "capacity": 4, "organizer": "Quantum Technology Desk",
        "categories": ["Quantum technology", "International cooperation"],
        "articles": ["quantum-links-across-borders"],
    },
    {
        "slug": "research-security-and-openness-workshop",
        "title": "Research Security and Openness Workshop",
        "summary": "A full-day workshop on keeping international projects open and safe at once.",
        "description": "Case studies from research offices, export-control advisers and "
                       "project leaders. Bring a project you are planning.",
        "timezone": "Europe/Berlin", "days": 35, "time": "09:30", "minutes": 450,
        "venue": "Haus der Wissenschaft, Room 3", "address": "Invalidenstraße 1, Berlin",
        "format": "in_person", "capacity": 40, "organizer": "Research Policy Desk",
        "categories": ["Research policy"],
        "articles": ["shared-labs-shared-data", "ideas-shared-and-protected"],
    },
    {
        "slug": "ai-for-climate-joint-lab-showcase",
        "title": "AI for Climate Science: joint lab showcase",
        "summary": "Five international teams show what they built together in a year.",
        "description": "Each team has ten minutes and one demo. Questions in the chat.",
        "timezone": "America/New_York", "days": 9, "time": "10:00", "minutes": 90,
        "online_url": "https://meet.example.org/ai-climate",
        "format": "online", "organizer": "Innovation Desk",
        "categories": ["Innovation", "International cooperation"],
        "articles": [],
    },
    {
        "slug": "international-innovation-week",
        "title": "International Innovation Week",
        "summary": "Three days of exhibitions, partner meetings and open lab tours.",
        "description": "Open daily from morning to evening. Lab tours need no booking; partner "
                       "meetings are arranged on site.",
        "timezone": "Asia/Shanghai", "days": 50, "all_day_days": 3,
        "venue": "Zhongguancun Exhibition Centre", "address": "Haidian District, Beijing, China",
        "format": "in_person", "organizer": "Innovation Desk",
        "categories": ["Innovation", "International cooperation"],
        "articles": ["shared-labs-shared-data", "ideas-shared-and-protected"],
    },
    {
        "slug": "science-diplomacy-roundtable",
        "title": "Science Diplomacy Roundtable",
        "summary": "Diplomats and researchers on how science agreements are negotiated.",
        "description": "A recording will be published with our coverage.",
        "timezone": "Europe/Berlin", "days": -20, "time": "15:00", "minutes": 120,
        "venue": "Literaturhaus, Lecture Room", "address": "Fasanenstraße 23, Berlin",
        "online_url": "https://stream.example.org/diplomacy",
        "format": "hybrid", "organizer": "Research Policy Desk",
        "categories": ["International cooperation", "Research policy"],
        "articles": ["quantum-links-across-borders"],
    },
    {
        "slug": "young-researchers-exchange-info-session",
        "title": "Young Researchers Exchange: information session",
        "summary": "How to apply for short research stays abroad.",
        "description": "Programme managers answer questions about visas, housing and funding.",
        "timezone": "America/New_York", "days": 15, "time": "12:00", "minutes": 60,
        "online_url": "https://meet.example.org/exchange",
        "format": "online", "status": "cancelled",
        "status_reason": "The programme's new call has been delayed; we will announce a new "
                         "session when it opens.",
        "organizer": "Careers Desk", "categories": ["Careers"],
        "articles": ["young-researchers-mobility"],
    },
    {
        "slug": "global-biodiversity-data-hackathon",
        "title": "Global Biodiversity Data Hackathon",
        "summary": "Two days of building tools on open biodiversity datasets.",
        "description": "Teams form on the first morning. Mentors from partner institutes "
                       "help with data access.",
        "timezone": "Asia/Singapore", "days": 60, "time": "09:00", "minutes": 2040,
        "venue": "Innovation Hub, Level 4", "address": "1 Fusionopolis Way, Singapore",
        "format": "in_person", "capacity": 60, "organizer": "Open Science Desk",
        "publish_in_days": 3,
        "categories": ["Open science"], "articles": ["shared-labs-shared-data"],
    },
    {
        "slug": "open-hardware-standards-panel",
        "title": "Standards for Open Hardware: a panel",
        "summary": "How shared designs for lab equipment become standards others can trust.",
        "description": "Panellists from standards bodies, universities and start-ups.",
        "timezone": "Europe/Berlin", "days": 28, "time": "16:00", "minutes": 90,
        "online_url": "https://meet.example.org/open-hardware",
        "format": "online", "organizer": "Innovation Desk",
        "categories": ["Open science", "Innovation"], "articles": [],
    },
    {
        "slug": "joint-research-ip-clinic",
        "title": "Intellectual Property in Joint Research: a clinic",
        "summary": "Walk through model agreements for international projects, clause by clause.",
        "description": "For research managers and principal investigators. Questions may be "
                       "sent in advance.",
        "timezone": "Asia/Shanghai", "days": 42, "time": "10:00", "minutes": 120,
        "venue": "Technology Transfer Office, Seminar Room",
        "address": "Haidian District, Beijing, China",
        "online_url": "https://meet.example.org/ip-clinic",
        "format": "hybrid", "capacity": 30, "organizer": "Research Policy Desk",
        "categories": ["Research policy", "Innovation"],
        "articles": ["ideas-shared-and-protected"],
    },
    {
        "slug": "satellite-data-sharing-symposium",
        "title": "Satellite Data Sharing Symposium",
        "summary": "Agencies and researchers on sharing Earth observation data across borders.",
        "description": "Speakers to be confirmed.",
        "timezone": "America/New_York", "days": 70, "time": "09:00", "minutes": 480,
        "venue": "Conference Center, Hall 2", "address": "New York, NY, United States",
        "format": "in_person", "status": "postponed",
        "status_reason": "A new date will be announced once the speakers are confirmed.",
        "organizer": "Research Policy Desk",
        "categories": ["International cooperation"], "articles": [],
    },
    {
        "slug": "reproducible-research-summer-school",
        "title": "Summer School on Reproducible Research",
        "summary": "Five days of hands-on sessions on sharing code and data that others can rerun.",
        "description": "Five days of sessions from morning to late afternoon. Bring a laptop.",
        "timezone": "Europe/Berlin", "days": 84, "time": "09:00", "minutes": 4 * 1440 + 480,
        "venue": "Campus Nord, Building 7", "address": "Berlin, Germany",
        "format": "in_person", "capacity": 35, "organizer": "Open Science Desk",
        "categories": ["Open science", "Careers"],
        "articles": ["shared-labs-shared-data", "young-researchers-mobility"],
    },
]
