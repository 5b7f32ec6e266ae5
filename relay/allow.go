package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// origin normalises a URL or origin to scheme://host:port with the scheme's default port filled in,
// so "http://Example.com" and "http://example.com:80/v1" compare equal.
func origin(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	switch scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return "", fmt.Errorf("%q: want an http or https URL", raw)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", fmt.Errorf("%q: no host", raw)
	}
	return scheme + "://" + net.JoinHostPort(host, port), nil
}

// originSet parses a list of origins or URLs; the error names the entry at fault.
func originSet(list []string, field string) (map[string]bool, error) {
	set := make(map[string]bool, len(list))
	for i, raw := range list {
		o, err := origin(raw)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %v", field, i, err)
		}
		set[o] = true
	}
	return set, nil
}

// checkListen refuses a listen address that is not loopback unless remote listening was asked for:
// the relay forwards requests, and on an open interface it would be a proxy for anyone.
func checkListen(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %s is not a loopback address; pass -allow-remote to listen on it", addr)
}
