"""HQ's database: its tables, the class every part of HQ reads and writes through
(``HQDatabase``), and the startup check of the database's health."""
