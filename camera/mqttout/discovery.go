package mqttout

import (
	"encoding/json"
	"fmt"
)

// discoveryConfigs returns the Home Assistant discovery messages: two
// sensors that read the retained event topic, the debounced label and its
// score. Their configs are retained, as Home Assistant asks, so they
// survive its restarts.
func discoveryConfigs(c *Config) ([]retained, error) {
	node := c.Prefix + "_" + c.Device
	device := map[string]any{
		"identifiers":  []string{node},
		"name":         c.Prefix + " " + c.Device,
		"manufacturer": "edgeinfer",
	}
	if c.Model != "" {
		device["model"] = c.Model
	}
	if c.Version != "" {
		device["sw_version"] = c.Version
	}
	sensor := func(object, name, template, icon string, extra map[string]any) (retained, error) {
		cfg := map[string]any{
			"name":                  name,
			"unique_id":             node + "_" + object,
			"object_id":             node + "_" + object,
			"state_topic":           c.topic("event"),
			"value_template":        template,
			"json_attributes_topic": c.topic("event"),
			"availability_topic":    c.topic("availability"),
			"payload_available":     Online,
			"payload_not_available": Offline,
			"icon":                  icon,
			"device":                device,
		}
		for k, v := range extra {
			cfg[k] = v
		}
		b, err := json.Marshal(cfg)
		if err != nil {
			return retained{}, fmt.Errorf("mqtt: discovery config for %s: %w", object, err)
		}
		return retained{topic: fmt.Sprintf("%s/sensor/%s/%s/config", c.DiscoveryPrefix, node, object), payload: b}, nil
	}
	label, err := sensor("label", "Label", "{{ value_json.label }}", "mdi:eye", nil)
	if err != nil {
		return nil, err
	}
	score, err := sensor("score", "Score", "{{ value_json.score }}", "mdi:gauge", map[string]any{"state_class": "measurement"})
	if err != nil {
		return nil, err
	}
	return []retained{label, score}, nil
}
