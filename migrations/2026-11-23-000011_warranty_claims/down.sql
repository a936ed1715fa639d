DROP TABLE warranty_claim_events, warranty_claims;
