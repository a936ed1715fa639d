DROP TABLE message_outbox;
DROP TABLE ticket_events;
DROP TABLE ticket_lines;
DROP TABLE tickets;
DROP TABLE ticket_counters;
DROP TABLE booking_events;
DROP TABLE booking_services;
DROP TABLE bookings;
DROP TABLE bays;
DROP TABLE services;
DROP TABLE devices;
DROP TABLE vehicles;
DROP TABLE customer_contacts;
DROP TABLE customers;
DROP TABLE lead_sources;
-- The extensions stay: other objects may use them and dropping needs more than ownership.
