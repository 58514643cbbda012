package sim

import "slices"

// Account is a login the user can choose on the login page: one person in one
// tenant (hearing clinic) of one region. ID is the OIDC subject and is
// globally unique.
type Account struct {
	ID, Name, Email, Region, TenantID, TenantName, NoahUserID, NoahRoleID string
	// Env is the environment the account lives in ("" = production): a
	// stand-in of one environment offers only its own accounts.
	Env string
}

// TenantUser is a Noah user of a tenant as listed by GET /v1/users.
type TenantUser struct {
	TenantID   string `json:"tenantid"`
	NoahUserID string `json:"noahuserid"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	NoahRoleID string `json:"noahroleid"`
	Role       string `json:"role"`
}

// Location is an associated location of a tenant as listed by
// GET /v1/locations.
type Location struct {
	TenantID string `json:"tenantid"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Address  string `json:"address"`
	City     string `json:"city"`
	Country  string `json:"country"`
}

// tenant is the demo data of one hearing clinic.
type tenant struct {
	ID, Name, Region string
	Env              string // "" = production
	Users            []TenantUser
	Locations        []Location
}

// Noah role IDs used by the demo data.
const (
	roleAdmin        = "1"
	roleProfessional = "2"
	roleReceptionist = "3"
)

// roleNames maps the demo role IDs to display names.
var roleNames = map[string]string{
	roleAdmin:        "Administrator",
	roleProfessional: "Hearing Care Professional",
	roleReceptionist: "Receptionist",
}

// demoAccounts are the accounts offered on the login pages, in display order.
var demoAccounts = []Account{
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e01", Name: "Mette Sørensen", Email: "mette.sorensen@nordlyd-hoerecenter.dk",
		Region: "eu", TenantID: "b2a1e7c4-0001-4d2e-8f10-0e0000000001", TenantName: "Nordlyd Hørecenter", NoahUserID: "100241", NoahRoleID: roleAdmin},
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e02", Name: "Lukas Becker", Email: "lukas.becker@hoerwelt-berlin.de",
		Region: "eu", TenantID: "b2a1e7c4-0002-4d2e-8f10-0e0000000002", TenantName: "Hörwelt Akustik Berlin", NoahUserID: "200317", NoahRoleID: roleProfessional},
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e03", Name: "Mette Sørensen", Email: "mette.sorensen@hoerwelt-berlin.de",
		Region: "eu", TenantID: "b2a1e7c4-0002-4d2e-8f10-0e0000000002", TenantName: "Hörwelt Akustik Berlin", NoahUserID: "200322", NoahRoleID: roleProfessional},
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e04", Name: "Emily Carter", Email: "emily.carter@clearviewhearing.com",
		Region: "us", TenantID: "b2a1e7c4-0003-4d2e-8f10-0a0000000003", TenantName: "Clearview Hearing Clinic", NoahUserID: "300108", NoahRoleID: roleAdmin},
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e05", Name: "Liam O'Connor", Email: "liam.oconnor@harbourside-hearing.com.au",
		Region: "au", TenantID: "b2a1e7c4-0004-4d2e-8f10-0b0000000004", TenantName: "Harbourside Hearing Sydney", NoahUserID: "400056", NoahRoleID: roleProfessional},
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e06", Name: "Quinn Tester", Email: "quinn.tester@qa-clinic.himsa.test",
		Region: "qa", TenantID: "b2a1e7c4-0005-4d2e-8f10-0c0000000005", TenantName: "HIMSA QA Test Clinic", NoahUserID: "900001", NoahRoleID: roleAdmin},
	// The QA environment's accounts (Options.Environment "qa").
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e07", Name: "Robin Probe", Email: "robin.probe@qa-eu-clinic.himsa.test",
		Region: "eu", TenantID: "b2a1e7c4-0006-4d2e-8f10-0d0000000006", TenantName: "HIMSA QA EU Test Clinic", NoahUserID: "910001", NoahRoleID: roleAdmin, Env: EnvQA},
	{ID: "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e08", Name: "Sasha Sample", Email: "sasha.sample@qa-eu-clinic.himsa.test",
		Region: "eu", TenantID: "b2a1e7c4-0006-4d2e-8f10-0d0000000006", TenantName: "HIMSA QA EU Test Clinic", NoahUserID: "910002", NoahRoleID: roleProfessional, Env: EnvQA},
}

// demoTenants holds the extra data served by the stand-in API, keyed by
// tenant ID. Users with an account appear in Users too.
var demoTenants = map[string]tenant{
	"b2a1e7c4-0001-4d2e-8f10-0e0000000001": {
		ID: "b2a1e7c4-0001-4d2e-8f10-0e0000000001", Name: "Nordlyd Hørecenter", Region: "eu",
		Users: []TenantUser{
			{NoahUserID: "100241", Name: "Mette Sørensen", Email: "mette.sorensen@nordlyd-hoerecenter.dk", NoahRoleID: roleAdmin},
			{NoahUserID: "100245", Name: "Jonas Kristensen", Email: "jonas.kristensen@nordlyd-hoerecenter.dk", NoahRoleID: roleProfessional},
			{NoahUserID: "100250", Name: "Sofie Madsen", Email: "sofie.madsen@nordlyd-hoerecenter.dk", NoahRoleID: roleReceptionist},
		},
		Locations: []Location{
			{ID: "loc-eu-101", Name: "Nordlyd Hørecenter København", Address: "Nørrebrogade 52", City: "København N", Country: "DK"},
			{ID: "loc-eu-102", Name: "Nordlyd Hørecenter Roskilde", Address: "Algade 14", City: "Roskilde", Country: "DK"},
		},
	},
	"b2a1e7c4-0002-4d2e-8f10-0e0000000002": {
		ID: "b2a1e7c4-0002-4d2e-8f10-0e0000000002", Name: "Hörwelt Akustik Berlin", Region: "eu",
		Users: []TenantUser{
			{NoahUserID: "200301", Name: "Katrin Vogel", Email: "katrin.vogel@hoerwelt-berlin.de", NoahRoleID: roleAdmin},
			{NoahUserID: "200317", Name: "Lukas Becker", Email: "lukas.becker@hoerwelt-berlin.de", NoahRoleID: roleProfessional},
			{NoahUserID: "200322", Name: "Mette Sørensen", Email: "mette.sorensen@hoerwelt-berlin.de", NoahRoleID: roleProfessional},
		},
		Locations: []Location{
			{ID: "loc-eu-201", Name: "Hörwelt Akustik Mitte", Address: "Friedrichstraße 120", City: "Berlin", Country: "DE"},
			{ID: "loc-eu-202", Name: "Hörwelt Akustik Charlottenburg", Address: "Kantstraße 33", City: "Berlin", Country: "DE"},
			{ID: "loc-eu-203", Name: "Hörwelt Akustik Potsdam", Address: "Brandenburger Straße 7", City: "Potsdam", Country: "DE"},
		},
	},
	"b2a1e7c4-0003-4d2e-8f10-0a0000000003": {
		ID: "b2a1e7c4-0003-4d2e-8f10-0a0000000003", Name: "Clearview Hearing Clinic", Region: "us",
		Users: []TenantUser{
			{NoahUserID: "300108", Name: "Emily Carter", Email: "emily.carter@clearviewhearing.com", NoahRoleID: roleAdmin},
			{NoahUserID: "300115", Name: "Marcus Reed", Email: "marcus.reed@clearviewhearing.com", NoahRoleID: roleProfessional},
		},
		Locations: []Location{
			{ID: "loc-us-301", Name: "Clearview Hearing – Pearl District", Address: "1120 NW Couch St", City: "Portland, OR", Country: "US"},
			{ID: "loc-us-302", Name: "Clearview Hearing – Beaverton", Address: "4800 SW Griffith Dr", City: "Beaverton, OR", Country: "US"},
		},
	},
	"b2a1e7c4-0004-4d2e-8f10-0b0000000004": {
		ID: "b2a1e7c4-0004-4d2e-8f10-0b0000000004", Name: "Harbourside Hearing Sydney", Region: "au",
		Users: []TenantUser{
			{NoahUserID: "400050", Name: "Chloe Nguyen", Email: "chloe.nguyen@harbourside-hearing.com.au", NoahRoleID: roleAdmin},
			{NoahUserID: "400056", Name: "Liam O'Connor", Email: "liam.oconnor@harbourside-hearing.com.au", NoahRoleID: roleProfessional},
		},
		Locations: []Location{
			{ID: "loc-au-401", Name: "Harbourside Hearing Circular Quay", Address: "18 Alfred St", City: "Sydney NSW", Country: "AU"},
			{ID: "loc-au-402", Name: "Harbourside Hearing Parramatta", Address: "150 Church St", City: "Parramatta NSW", Country: "AU"},
		},
	},
	"b2a1e7c4-0005-4d2e-8f10-0c0000000005": {
		ID: "b2a1e7c4-0005-4d2e-8f10-0c0000000005", Name: "HIMSA QA Test Clinic", Region: "qa",
		Users: []TenantUser{
			{NoahUserID: "900001", Name: "Quinn Tester", Email: "quinn.tester@qa-clinic.himsa.test", NoahRoleID: roleAdmin},
			{NoahUserID: "900002", Name: "Robin Probe", Email: "robin.probe@qa-clinic.himsa.test", NoahRoleID: roleProfessional},
		},
		Locations: []Location{
			{ID: "loc-qa-901", Name: "QA Test Clinic Main", Address: "Lyngbyvej 2", City: "København Ø", Country: "DK"},
		},
	},
	"b2a1e7c4-0006-4d2e-8f10-0d0000000006": {
		ID: "b2a1e7c4-0006-4d2e-8f10-0d0000000006", Name: "HIMSA QA EU Test Clinic", Region: "eu", Env: EnvQA,
		Users: []TenantUser{
			{NoahUserID: "910001", Name: "Robin Probe", Email: "robin.probe@qa-eu-clinic.himsa.test", NoahRoleID: roleAdmin},
			{NoahUserID: "910002", Name: "Sasha Sample", Email: "sasha.sample@qa-eu-clinic.himsa.test", NoahRoleID: roleProfessional},
		},
		Locations: []Location{
			{ID: "loc-qa-911", Name: "QA EU Test Clinic", Address: "Lyngbyvej 2", City: "København Ø", Country: "DK"},
		},
	},
}

// tenantUsers returns the users of tenant id with role names filled in.
func tenantUsers(id string) []TenantUser {
	t, ok := demoTenants[id]
	if !ok {
		return []TenantUser{}
	}
	out := make([]TenantUser, len(t.Users))
	for i, u := range t.Users {
		u.TenantID = id
		u.Role = roleNames[u.NoahRoleID]
		out[i] = u
	}
	return out
}

// tenantLocations returns the associated locations of tenant id.
func tenantLocations(id string) []Location {
	t, ok := demoTenants[id]
	if !ok {
		return []Location{}
	}
	out := make([]Location, len(t.Locations))
	for i, l := range t.Locations {
		l.TenantID = id
		out[i] = l
	}
	return out
}

// tenantsInRegion returns the IDs of the demo tenants of region in env
// (every tenant of env for the global region), in a stable order.
func tenantsInRegion(env, region string) []string {
	var ids []string
	for id, t := range demoTenants {
		if envOf(t.Env) == env && (region == GlobalRegion || t.Region == region) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// envOf names an environment, "" being production.
func envOf(env string) string {
	if env == "" {
		return EnvProduction
	}
	return env
}
