package auth

// TimeClaims are the NumericDate claims shown as local and relative times.
var TimeClaims = []string{"exp", "iat", "nbf", "auth_time"}
