// HDInsight 5.1 Kafka (3.2) cluster in the kafka subnet: tier-sized workers with managed data disks,
// topic auto-creation off (the toolkit creates 'in' and 'out' with the tier's partitions). No Azure
// Monitor extension: the toolkit measures from Kafka itself, and HDInsight's key-based (classic)
// Azure Monitor integration is unsupported since February 2025 (docs/azure-setup.md).
param solutionName string
param location string
param tags object
param workerCount int
param workerSize string
param disksPerWorker int
param vnetId string
param subnetId string
param storageAccountName string
param clusterLoginUserName string
@secure()
param clusterLoginPassword string
param sshUserName string
@secure()
param sshPassword string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource cluster 'Microsoft.HDInsight/clusters@2021-06-01' = {
  name: 'kafka${solutionName}'
  location: location
  tags: tags
  properties: {
    clusterVersion: '5.1'
    osType: 'Linux'
    tier: 'Standard'
    minSupportedTlsVersion: '1.2'
    clusterDefinition: {
      kind: 'KAFKA'
      componentVersion: {
        Kafka: '3.2'
      }
      configurations: {
        gateway: {
          'restAuthCredential.isEnabled': true
          'restAuthCredential.username': clusterLoginUserName
          'restAuthCredential.password': clusterLoginPassword
        }
        'kafka-broker': {
          'auto.create.topics.enable': 'false'
        }
      }
    }
    storageProfile: {
      storageaccounts: [
        {
          name: '${storage.name}.blob.${environment().suffixes.storage}'
          isDefault: true
          container: 'kafka${solutionName}'
          key: storage.listKeys().keys[0].value
        }
      ]
    }
    computeProfile: {
      roles: [
        {
          name: 'headnode'
          targetInstanceCount: 2
          hardwareProfile: {
            vmSize: 'Standard_D3_V2'
          }
          osProfile: {
            linuxOperatingSystemProfile: {
              username: sshUserName
              password: sshPassword
            }
          }
          virtualNetworkProfile: {
            id: vnetId
            subnet: subnetId
          }
        }
        {
          name: 'workernode'
          targetInstanceCount: workerCount
          hardwareProfile: {
            vmSize: workerSize
          }
          dataDisksGroups: [
            {
              disksPerNode: disksPerWorker
            }
          ]
          osProfile: {
            linuxOperatingSystemProfile: {
              username: sshUserName
              password: sshPassword
            }
          }
          virtualNetworkProfile: {
            id: vnetId
            subnet: subnetId
          }
        }
        {
          name: 'zookeepernode'
          targetInstanceCount: 3
          hardwareProfile: {
            vmSize: 'Standard_A4_v2'
          }
          osProfile: {
            linuxOperatingSystemProfile: {
              username: sshUserName
              password: sshPassword
            }
          }
          virtualNetworkProfile: {
            id: vnetId
            subnet: subnetId
          }
        }
      ]
    }
  }
}

output clusterName string = cluster.name
output gatewayUrl string = 'https://${cluster.name}.azurehdinsight.net'
output sshHost string = '${cluster.name}-ssh.azurehdinsight.net'
